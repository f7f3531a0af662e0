from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_language"),
        # The setting's choices became notice preferences first, and the mention e-mails were recorded by it.
        ("notices", "0003_discussion_email_preferences"),
        ("discussions", "0002_mention_email"),
    ]

    operations = [
        migrations.RemoveField(model_name="user", name="discussion_email"),
    ]
