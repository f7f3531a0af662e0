"""Deletes the drafts nobody has touched for DRAFT_KEEP_DAYS (30): what people typed in rooms' message boxes
(discussions.actions.prune_drafts) and in tasks' answer boxes (workshops.answers.prune_answer_drafts). Run
daily (site/deploy/verkostamo-prune-drafts.timer); a rerun, or two at once, deletes nothing more."""

from django.conf import settings
from django.core.management.base import BaseCommand

from discussions.actions import prune_drafts
from workshops.answers import prune_answer_drafts


class Command(BaseCommand):
    help = f"Delete message and answer drafts untouched for DRAFT_KEEP_DAYS ({settings.DRAFT_KEEP_DAYS}) days."

    def handle(self, *args, **options):
        messages, answers = prune_drafts(), prune_answer_drafts()
        self.stdout.write(f"Drafts pruned: {messages} in rooms, {answers} of task answers.")
