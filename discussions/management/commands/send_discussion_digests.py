from django.core.management.base import BaseCommand

from discussions.digest import digest_recipients, send_digest


class Command(BaseCommand):
    help = (
        "E-mail each member who chose the daily digest the discussion messages they have not read or been "
        "told of. Run once a day (site/deploy/verkostamo-digest.timer); a message is never e-mailed twice."
    )

    def handle(self, *args, **options):
        people = sent = 0
        for user in digest_recipients().iterator():
            count = send_digest(user)
            if count:
                people += 1
                sent += count
        self.stdout.write(f"Discussion digests: {sent} messages to {people} people.")
