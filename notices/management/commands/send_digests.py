from django.core.management.base import BaseCommand

from notices.digest import send_digests


class Command(BaseCommand):
    help = (
        "E-mail each person whose digest is due (daily or weekly) one digest of all their pending notices: "
        "discussion and workshop news of all their networks. Run once a day (site/deploy/verkostamo-digest.timer); "
        "the e-mails are sent by the task worker, and no notice is e-mailed twice, even by two runs at once."
    )

    def handle(self, *args, **options):
        run = send_digests()
        self.stdout.write(f"Digests: {run.items} notices to {run.people} people.")
