import logging
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.demo import DemoContentError, default_content_dir, load_demo_content, steps

# Per-page INFO lines ("Page created", "Published", one per background task) that would bury the summary.
CHATTY_LOGGERS = ("wagtail", "django_tasks")


@contextmanager
def quiet_loggers(names, level=logging.WARNING):
    loggers = [logging.getLogger(name) for name in names]
    saved = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(level, logger.getEffectiveLevel()))
    try:
        yield
    finally:
        for logger, old_level in zip(loggers, saved, strict=True):
            logger.setLevel(old_level)


def listed(names):
    """["a", "b", "c"] as "a, b and c"."""
    return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))


class Command(BaseCommand):
    help = (
        "Load Verkostamo's demo content (home page, standard pages, site settings, themes, organisations, "
        "networks and their workshops) from JSON files. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=None,
            help=f"Folder with {listed(steps.files(users=False))} (default: {default_content_dir()}).",
        )
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Also the demo accounts of users.json, which share a published password: local use only.",
        )

    def handle(self, *args, content_dir=None, with_users=False, verbosity=1, **options):
        content_dir = content_dir or default_content_dir()
        try:
            if verbosity >= 2:
                report = load_demo_content(content_dir, users=with_users)
            else:
                with quiet_loggers(CHATTY_LOGGERS):
                    report = load_demo_content(content_dir, users=with_users)
        except DemoContentError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            self.stdout.write(report.summary())
            for email, description in report.demo_accounts:
                self.stdout.write(f"  {email} / {report.demo_password}: {description}")
            if report.unlisted_accounts:
                self.stdout.write(f"  … and {report.unlisted_accounts} other members of the demo networks.")
