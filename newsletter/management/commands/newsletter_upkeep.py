from django.core.management.base import BaseCommand
from django.db import transaction

from newsletter.sending import resume_stalled
from newsletter.subscriptions import forget_stale


class Command(BaseCommand):
    help = (
        "Resume every newsletter sending that has stalled (its worker died: the batches continue with the subscribers "
        "not yet sent, nobody gets an issue twice) and delete the addresses kept for no purpose (unconfirmed ones "
        "whose link has expired, unsubscribed ones after NEWSLETTER_FORGET_DAYS). Run every ten minutes "
        "(site/deploy/verkostamo-newsletter.timer); safe to run twice at once."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            resumed = resume_stalled()
        forgotten = forget_stale()
        self.stdout.write(
            f"Newsletter: {len(resumed)} sendings resumed; {forgotten.pending} unconfirmed and "
            f"{forgotten.unsubscribed} unsubscribed addresses deleted."
        )
