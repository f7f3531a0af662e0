from pathlib import Path

from django.core.management.base import BaseCommand

from core.backup import restore


class Command(BaseCommand):
    help = (
        "Restores a backup made by `manage.py backup` into an empty database and empty MEDIA_ROOT and "
        "PRIVATE_MEDIA_ROOT; the database in one transaction. Stop the site first. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="the backup's folder (with manifest.json)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore over a database that has tables (they are replaced) and media folders that have files",
        )

    def handle(self, *args, folder, force, **options):
        summary = restore(folder, force=force)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.tables} tables, {summary.files['media']} media files and "
                f"{summary.files['private']} private files from {folder}. Next: `manage.py migrate` if this "
                "code is newer than the backup, then start the site (or restart it, so that no process keeps "
                "what it cached before)."
            )
        )
