from pathlib import Path

from django.core.management.base import BaseCommand

from core.backup import back_up


class Command(BaseCommand):
    help = (
        "Backs up the PostgreSQL database (pg_dump's custom format), MEDIA_ROOT and PRIVATE_MEDIA_ROOT into a new "
        "or empty folder. The site may keep running. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new or empty folder for the backup")

    def handle(self, *args, folder, **options):
        summary = back_up(folder)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {summary.tables} tables, {summary.files['media']} media files and "
                f"{summary.files['private']} private files into {folder}."
            )
        )
