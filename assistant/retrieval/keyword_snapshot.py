"""The keyword index's base on disk, so a restarting process loads it instead of re-reading Chroma.

Why: building BM25 reads every chunk back from Chroma and tokenises it (60-90 s at 10,000 articles),
and until then a process cannot answer. A snapshot holds what that build produced (the bm25s index,
the chunk id and token count of each row, the relevance floor's vocabulary) and when the build began;
the loading process treats that time as its watermark and catches up with the chunks written since
by their ``written_at`` stamps, as it does between questions (``HybridRetriever._catch_up``).

A snapshot belongs to one Chroma collection, named by its id (a UUID), not its name: a collection
deleted and created again under the same name is another collection, and its snapshot is another.

Layout of the directory (one per collection)::

    CURRENT              the name of the snapshot to read; replaced atomically (os.replace)
    snap-<time>-<hex>/   one snapshot, never changed once it is complete:
        manifest.json    format, collection id, build start, chunk count, bm25s version, token
                         pattern, and the size and crc32 of every other file
        index/           ``Bm25Index.save``
        vocabulary.json

A writer fills a temp directory beside the snapshots, renames it to its final name, then replaces
CURRENT, then removes the older snapshots; a reader reads CURRENT once and then only the snapshot it
names. So a half-written snapshot is never read, and a reader never mixes the files of two. Reading
never raises: anything missing, damaged, of another format or of another collection is logged and
read as "no snapshot", and the caller builds from Chroma as it would without one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.retrieval.bm25 import BM25_TOKEN_PATTERN, Bm25Index

log = logging.getLogger(__name__)

FORMAT_VERSION = 1  # bump when the layout or anything that changes the index's content changes
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
_NAME = re.compile(r"snap-\d+-[0-9a-f]{12}")
_STALE_TEMP_S = 3600.0  # a temp dir this old is a writer that died; younger ones may be in progress
_SAVING = threading.Lock()  # one writer per process: the start-up build and a compaction may overlap


@dataclass(frozen=True)
class KeywordSnapshot:
    """One full keyword-index build: its base index, its vocabulary, and when the build began."""

    index: Bm25Index
    vocabulary: set[str]
    started: float  # epoch seconds when the build began reading Chroma: the loader's watermark
    collection_id: str


def _bm25s_version() -> str:
    import bm25s

    return str(bm25s.__version__)


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def _fsync(path: Path) -> None:
    """Flush a file (or a directory's entries) to disk, so a crash cannot leave a named snapshot
    with empty files; where directories cannot be opened (Windows) nothing happens."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def save(directory: Path, snapshot: KeywordSnapshot) -> bool:
    """Write ``snapshot`` as the directory's current one; False (and a warning) when it could not be
    written: a snapshot only saves time at the next start, so failing to write one is not an error."""
    try:
        with _SAVING:
            _save(directory, snapshot)
        return True
    except Exception:  # disk full, read-only data dir, ...: the next start builds from Chroma
        log.warning("Could not save the keyword index snapshot in %s", directory, exc_info=True)
        return False


def _save(directory: Path, snapshot: KeywordSnapshot) -> None:
    began = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"snap-{int(snapshot.started)}-{uuid.uuid4().hex[:12]}"
    temp = directory / f".tmp-{name}"
    try:
        snapshot.index.save(temp / "index")
        (temp / "vocabulary.json").write_text(json.dumps(sorted(snapshot.vocabulary)), encoding="utf-8")
        files = _files(temp)
        manifest: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "collection_id": snapshot.collection_id,
            "started": snapshot.started,
            "chunks": len(snapshot.index.ids),
            "bm25s": _bm25s_version(),
            "token_pattern": BM25_TOKEN_PATTERN,
            "files": {p.relative_to(temp).as_posix(): [p.stat().st_size, _crc32(p)] for p in files},
        }
        (temp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        for path in [*files, temp / MANIFEST, temp / "index", temp]:
            _fsync(path)
        os.replace(temp, directory / name)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    pointer = directory / f".{CURRENT}.{name}"
    pointer.write_text(name, encoding="utf-8")
    _fsync(pointer)
    os.replace(pointer, directory / CURRENT)
    _fsync(directory)
    _remove_old(directory, keep=name)
    size = sum(p.stat().st_size for p in (directory / name).rglob("*") if p.is_file())
    log.info(
        "Keyword index snapshot saved: %d chunks, %.1f MB, %.2f s (%s)",
        len(snapshot.index.ids),
        size / 1e6,
        time.monotonic() - began,
        directory / name,
    )


def _remove_old(directory: Path, keep: str) -> None:
    """Remove the snapshots CURRENT no longer names (another process's newer one, if it has replaced
    CURRENT since, is kept too), and temp dirs of writers that died."""
    current = _current_name(directory)
    for path in directory.iterdir():
        if _NAME.fullmatch(path.name) and path.name not in {keep, current}:
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".tmp-snap-") or path.name.startswith(f".{CURRENT}."):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime < _STALE_TEMP_S:
                    continue
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()


def _current_name(directory: Path) -> str | None:
    try:
        name = (directory / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name if _NAME.fullmatch(name) else None


def load(directory: Path, collection_id: str) -> KeywordSnapshot | None:
    """The current snapshot of collection ``collection_id``, or None (logged) when there is none
    that can be used. Never raises."""
    try:
        return _load(directory, collection_id)
    except Exception as err:  # a damaged snapshot must never stop a process: it builds from Chroma
        log.warning(
            "Keyword index snapshot in %s not used (%s: %s); building from the store",
            directory,
            type(err).__name__,
            err,
        )
        return None


def _load(directory: Path, collection_id: str) -> KeywordSnapshot | None:
    began = time.monotonic()
    if not (directory / CURRENT).exists():
        log.info("No keyword index snapshot in %s yet; building from the store", directory)
        return None
    name = _current_name(directory)
    if name is None:
        raise ValueError(f"{CURRENT} does not name a snapshot")
    root = directory / name
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    wanted = {
        "format": FORMAT_VERSION,
        "collection_id": collection_id,
        "bm25s": _bm25s_version(),
        "token_pattern": BM25_TOKEN_PATTERN,
    }
    for key, value in wanted.items():
        if manifest.get(key) != value:
            log.info(
                "Keyword index snapshot in %s is of %s %r, not %r; building from the store",
                directory,
                key,
                manifest.get(key),
                value,
            )
            return None
    recorded = manifest["files"]
    found = {p.relative_to(root).as_posix(): p for p in _files(root)}
    if set(found) != set(recorded):
        raise ValueError(f"files differ from the manifest: {sorted(set(found) ^ set(recorded))}")
    for relative, (size, crc) in recorded.items():
        path = found[relative]
        if path.stat().st_size != size or _crc32(path) != crc:
            raise ValueError(f"{relative} is damaged (size or checksum differs)")
    index = Bm25Index.load(root / "index")
    vocabulary = json.loads((root / "vocabulary.json").read_text(encoding="utf-8"))
    if len(index.ids) != manifest["chunks"] or not isinstance(vocabulary, list):
        raise ValueError("the chunk count or the vocabulary does not match the manifest")
    started = float(manifest["started"])
    log.info(
        "Keyword index snapshot loaded: %d chunks, built %.0f s ago, read in %.2f s",
        len(index.ids),
        time.time() - started,
        time.monotonic() - began,
    )
    return KeywordSnapshot(index, {str(t) for t in vocabulary}, started, collection_id)
