"""`manage.py backup` and `restore` refuse what would mix, damage or overwrite, with one clear message each.

What they do on PostgreSQL (a backup restored into a fresh database) is tests/integration/test_backup_restore.py.
"""

import json
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core import backup


def make_backup(folder, dump=b"PGDMP fake dump"):
    """A folder shaped like a finished backup (the dump is not a real one: these tests stop before pg_restore)."""
    folder.mkdir()
    (folder / "database.dump").write_bytes(dump)
    (folder / "media").mkdir()
    (folder / "private").mkdir()
    manifest = {
        "format": 1,
        "created": "2026-12-04T19:00:00+00:00",
        "database": {"file": "database.dump", "sha256": backup.checksum(folder / "database.dump"), "tables": 1},
        "files": {"media": 0, "private": 0},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def refusal(*command):
    with pytest.raises(CommandError) as raised:
        call_command(*command)
    return str(raised.value)


@pytest.fixture
def empty_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "site-media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "site-private"


# -- backup ------------------------------------------------------------------------------------------------------


def test_backup_refuses_a_folder_with_something_in_it(tmp_path):
    (tmp_path / "old.dump").write_text("an earlier backup")
    assert "is not empty" in refusal("backup", str(tmp_path))


def test_backup_refuses_a_file(tmp_path):
    (tmp_path / "file").write_text("")
    assert "is not a folder" in refusal("backup", str(tmp_path / "file"))


@pytest.mark.django_db
def test_backup_needs_postgresql_and_says_what_to_do_with_sqlite(tmp_path):
    message = refusal("backup", str(tmp_path / "new"))
    assert "need PostgreSQL" in message and ".backup" in message
    assert not (tmp_path / "new").exists()


def test_a_missing_tool_is_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump was not found: install the PostgreSQL client"):
        backup.run_tool("pg_dump", "--version")


# -- restore -----------------------------------------------------------------------------------------------------


def test_restore_refuses_a_folder_that_is_not_there(tmp_path):
    assert "is not a folder" in refusal("restore", str(tmp_path / "nowhere"))


def test_restore_refuses_an_unfinished_backup(tmp_path):
    folder = make_backup(tmp_path / "backup")
    (folder / "manifest.json").unlink()
    assert "not a finished backup: it has no manifest.json" in refusal("restore", str(folder))


def test_restore_refuses_a_damaged_dump(tmp_path):
    folder = make_backup(tmp_path / "backup")
    (folder / "database.dump").write_bytes(b"PGDMP truncated")
    assert "missing or damaged" in refusal("restore", str(folder))


def test_restore_refuses_another_format(tmp_path):
    folder = make_backup(tmp_path / "backup")
    (folder / "manifest.json").write_text(json.dumps({"format": 99}))
    assert "not a backup of format 1" in refusal("restore", str(folder))


def test_restore_refuses_a_backup_without_its_files(tmp_path):
    folder = make_backup(tmp_path / "backup")
    (folder / "private").rmdir()
    assert "lacks its private folder" in refusal("restore", str(folder))


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, empty_media):
    folder = make_backup(tmp_path / "backup")
    with mock.patch.object(backup, "run_tool") as tool:
        message = refusal("restore", str(folder))
    assert "The database is not empty" in message and "--force" in message
    tool.assert_not_called()


@pytest.mark.django_db
@pytest.mark.parametrize("setting", ["MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"])
def test_restore_refuses_media_folders_with_files(tmp_path, settings, empty_media, setting):
    folder = make_backup(tmp_path / "backup")
    getattr(settings, setting).mkdir()
    (getattr(settings, setting) / "a-file").write_text("uploaded since")
    with mock.patch.object(backup, "database_tables", return_value=[]), mock.patch.object(backup, "run_tool") as tool:
        message = refusal("restore", str(folder))
    assert f"{setting} ({getattr(settings, setting)}) is not empty" in message
    tool.assert_not_called()


@pytest.mark.django_db
def test_restore_with_force_still_needs_postgresql(tmp_path, empty_media):
    folder = make_backup(tmp_path / "backup")
    with mock.patch.object(backup, "run_tool") as tool:
        assert "need PostgreSQL" in refusal("restore", str(folder), "--force")
    tool.assert_not_called()
