"""Ingestion: metadata, exact offsets, bad files, idempotence, change detection and prune (real Chroma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, UnreadableFileError
from tests.conftest import ARTICLES


def test_reingest_adds_nothing_and_edit_replaces_only_that_file(fresh_bot: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("002_15bd8c08e1a82e16.txt", "004_ff12244044f7d626.txt"):
        (folder / name).write_bytes((ARTICLES / name).read_bytes())
    first = fresh_bot.ingest(folder, progress=False)
    assert sorted(first.added) == ["002_15bd8c08e1a82e16.txt", "004_ff12244044f7d626.txt"]
    total = fresh_bot.store.count()

    again = fresh_bot.ingest(folder, progress=False)
    assert again.chunks_written == 0 and len(again.unchanged) == 2
    assert fresh_bot.store.count() == total

    edited = folder / "002_15bd8c08e1a82e16.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nCrew-12 will return in October.\n", encoding="utf-8")
    third = fresh_bot.ingest(folder, progress=False)
    assert third.updated == ["002_15bd8c08e1a82e16.txt"] and third.unchanged == ["004_ff12244044f7d626.txt"]
    records = fresh_bot.store.files()
    assert sum(r.chunks for r in records.values()) == fresh_bot.store.count()
    assert third.chunks_written == records["002_15bd8c08e1a82e16.txt"].chunks

    (folder / "004_ff12244044f7d626.txt").unlink()
    pruned = fresh_bot.ingest(folder, prune=True, progress=False)
    assert pruned.removed == ["004_ff12244044f7d626.txt"]
    assert set(fresh_bot.store.files()) == {"002_15bd8c08e1a82e16.txt"}


def test_bad_file_in_folder_is_reported_and_the_rest_indexed(fresh_bot: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("Crew-11 launched from Florida on August 1, 2025.", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d\xfe\xff" * 20)  # no encoding reads it cleanly
    report = fresh_bot.ingest(folder, progress=False)
    assert report.added == ["good.txt"]
    assert list(report.errors) == [str(folder / "bad.txt")]


def test_missing_path_is_a_clear_error(fresh_bot: Assistant, tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="does not exist"):
        fresh_bot.ingest(tmp_path / "nope")
