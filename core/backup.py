"""Backups that restore: the PostgreSQL database (pg_dump's custom format) with MEDIA_ROOT and PRIVATE_MEDIA_ROOT.

A backup is a folder:

    manifest.json    written last, so a folder without it is an unfinished backup; the dump's checksum
    database.dump    pg_dump --format=custom: one consistent snapshot of the database
    media/           a copy of MEDIA_ROOT (images, renditions, the networks' documents)
    private/         a copy of PRIVATE_MEDIA_ROOT (the files attached to task answers)

The database is dumped first and the files copied after it, so every file the dump refers to is in the copy
(a file uploaded meanwhile is copied too and does no harm). `restore` puts it back into an empty database
and empty media folders, in one transaction for the database; over existing data only when told to (`force`).
`manage.py backup` and `manage.py restore` call these; docs/operations.md tells the whole procedure.
"""

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}  # folder in the backup: the setting it copies


@dataclass
class Summary:
    tables: int
    files: dict[str, int]


def connection():
    return connections[DEFAULT_DB_ALIAS]


def require_postgresql():
    if connection().vendor != "postgresql":
        raise CommandError(
            "Backups need PostgreSQL (DATABASE_URL); the embedded SQLite database is copied with "
            '`sqlite3 db.sqlite3 ".backup copy.sqlite3"` while the site is stopped.'
        )


def libpq_environment():
    """The database's connection settings as libpq's variables: the password never appears in a process list."""
    database = connection().settings_dict
    variables = {
        "PGDATABASE": database["NAME"],
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode"),
    }
    return {**os.environ, **{name: str(value) for name, value in variables.items() if value}}


def run_tool(name, *arguments):
    """Runs pg_dump or pg_restore; a failure is a CommandError with the tool's own last lines."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} was not found: install the PostgreSQL client of the server's major version "
            "(on Debian: the postgresql-client-NN package)."
        )
    result = subprocess.run(  # noqa: S603 - a fixed tool with our own arguments, no shell
        [path, *arguments], env=libpq_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise CommandError(f"{name} failed (exit {result.returncode}):\n{detail}")


def is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def count_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def database_tables() -> list[str]:
    return connection().introspection.table_names()


def back_up(target: Path) -> Summary:
    """Writes a backup into `target`, a new or empty folder."""
    if target.exists() and not target.is_dir():
        raise CommandError(f"{target} is not a folder.")
    if not is_empty(target):
        raise CommandError(
            f"{target} is not empty: give a new or empty folder, so that no backup is mixed with another."
        )
    require_postgresql()
    target.mkdir(parents=True, exist_ok=True)
    run_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target / DUMP}")
    files = {}
    for folder, setting in FOLDERS.items():
        source = Path(getattr(settings, setting))
        if source.exists():
            shutil.copytree(source, target / folder)
        else:
            (target / folder).mkdir()
        files[folder] = count_files(target / folder)
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(timespec="seconds"),
        "database": {"file": DUMP, "sha256": checksum(target / DUMP), "tables": len(database_tables())},
        "files": files,
    }
    unfinished = target / f"{MANIFEST}.part"
    unfinished.write_text(json.dumps(manifest, indent=2) + "\n")
    unfinished.rename(target / MANIFEST)
    return Summary(manifest["database"]["tables"], files)


def read_manifest(source: Path) -> dict:
    if not source.is_dir():
        raise CommandError(f"{source} is not a folder.")
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise CommandError(f"{source} is not a finished backup: it has no {MANIFEST}.") from None
    except ValueError:
        raise CommandError(f"{source / MANIFEST} is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(f"{source / MANIFEST} is not a backup of format {FORMAT}.")
    dump = source / DUMP
    if not dump.is_file() or checksum(dump) != manifest.get("database", {}).get("sha256"):
        raise CommandError(f"{dump} is missing or damaged: its checksum does not match the manifest.")
    missing = [folder for folder in FOLDERS if not (source / folder).is_dir()]
    if missing:
        raise CommandError(f"{source} lacks its {' and '.join(missing)} folder.")
    return manifest


def restore(source: Path, force: bool = False) -> Summary:
    """Restores the backup in `source`. Refuses a database that has tables, or media folders that have files,
    unless `force`: then the dump's tables replace theirs and the backup's files are written over theirs."""
    manifest = read_manifest(source)
    tables = database_tables()
    if tables and not force:
        raise CommandError(
            f"The database is not empty ({len(tables)} tables): restore into a new, empty database, "
            "or give --force to replace its contents."
        )
    for setting in FOLDERS.values():
        folder = Path(getattr(settings, setting))
        if not force and not is_empty(folder):
            raise CommandError(f"{setting} ({folder}) is not empty: give an empty folder, or --force to write over it.")
    require_postgresql()
    connection().close()
    clean = ["--clean", "--if-exists"] if tables else []
    run_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *clean,
        f"--dbname={connection().settings_dict['NAME']}",
        str(source / DUMP),
    )
    for folder, setting in FOLDERS.items():
        shutil.copytree(source / folder, Path(getattr(settings, setting)), dirs_exist_ok=True)
    return Summary(len(database_tables()), manifest["files"])
