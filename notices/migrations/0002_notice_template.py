from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="template",
            field=models.CharField(default="", max_length=60),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="notice",
            name="via",
            field=models.CharField(
                blank=True,
                choices=[("now", "Heti"), ("digest", "Kooste"), ("withdrawn", "Luettu ennen lähetystä")],
                max_length=10,
            ),
        ),
    ]
