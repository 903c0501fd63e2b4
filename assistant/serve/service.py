"""``AssistantService``: the one ``Assistant`` a server process shares between the page and the API.

Why a lock: the embedded Chroma client, the BM25 index rebuilt on a revision change and the
in-process llama.cpp model are not safe to drive from several threads at once, and both Gradio
and FastAPI run handlers on a thread pool. Answers are short (tens of milliseconds with the
extractive generator), so serialising them costs little and keeps every answer consistent with
one revision of the index.

Uploads land in a staging folder inside the data dir and move to ``uploads/`` only once indexed,
so a rejected file leaves nothing behind and nothing is ever written outside the data dir.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.errors import UnreadableFileError
from assistant.ingest.indexer import IngestReport
from assistant.ingest.readers import SUPPORTED_SUFFIXES
from assistant.ingest.remote import Sourced
from assistant.pipeline import Assistant
from assistant.store.records import FileRecord
from assistant.types import Answer

log = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,200}$")


def check_upload_name(name: str) -> str:
    """The name an uploaded file is indexed under; path-like or odd names are refused, not fixed."""
    if not _SAFE_NAME.match(name) or name in {".", ".."} or name.startswith(".") or name != name.strip():
        raise UnreadableFileError(
            f"{name!r} is not an acceptable file name (no folders, no leading dot, at most 200 characters)."
        )
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnreadableFileError(f"{name} is not a supported kind of file (use one of {kinds}).")
    return name


@dataclass(frozen=True)
class UploadResult:
    """What happened to one uploaded file: ``status`` is added, updated, unchanged or rejected."""

    file: str
    status: str
    chunks: int = 0
    error: str | None = None


class AssistantService:
    """Thread-safe facade over one ``Assistant`` for the server's page and API."""

    def __init__(self, assistant: Assistant, public_fetch_only: bool = False) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        # True when the page is reachable from other machines: its URL box then fetches only
        # public addresses (server.create_app decides).
        self.public_fetch_only = public_fetch_only
        self._lock = threading.Lock()

    @contextmanager
    def exclusive(self) -> Iterator[Assistant]:
        """The shared Assistant, held alone for the block: for callers outside this class (the MCP
        tools and their warm-up) that need a call the service does not wrap."""
        with self._lock:
            yield self.assistant

    def ingest_fetched(self, items: Sequence[Sourced]) -> IngestReport:
        """Index articles already fetched; the fetching stays outside the lock, so questions never
        wait on a slow site."""
        with self._lock:
            return self.assistant.ingest_fetched(items)

    def stream_chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        generator: str | None = None,
        top_k: int | None = None,
        as_of: date | None = None,
    ) -> Iterator[str | Answer]:
        """Stream one answer; the lock is held until the final ``Answer`` (or the client leaves)."""
        with self._lock:
            yield from self.assistant.stream_chat(messages, generator=generator, top_k=top_k, as_of=as_of)

    def chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        generator: str | None = None,
        top_k: int | None = None,
        as_of: date | None = None,
    ) -> Answer:
        with self._lock:
            return self.assistant.chat(messages, generator=generator, top_k=top_k, as_of=as_of)

    def documents(self) -> list[FileRecord]:
        with self._lock:
            if not self.assistant.store.exists():
                return []
            return self.assistant.documents()

    def facts(self) -> list[dict[str, str]]:
        """Rows of the crews-and-events table (empty before anything is indexed)."""
        with self._lock:
            if not self.assistant.store.exists():
                return []
            return self.assistant.facts_table().rows()

    def delete(self, file: str) -> bool:
        with self._lock:
            if not self.assistant.store.exists():
                return False
            removed = self.assistant.delete(file)
        if removed:
            (self.settings.uploads_dir / file).unlink(missing_ok=True)
        return removed

    def upload(self, name: str, data: bytes) -> UploadResult:
        """Index one uploaded file; a bad file is reported in ``error`` and leaves no trace."""
        try:
            check_upload_name(name)
            if len(data) > self.settings.max_file_bytes:
                raise UnreadableFileError(
                    f"{name} is {len(data):,} bytes; the limit is {self.settings.max_file_bytes:,}."
                )
        except UnreadableFileError as err:
            return UploadResult(name, "rejected", error=str(err))
        staging = self.settings.data_dir / "staging" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            staged = staging / name
            staged.write_bytes(data)
            with self._lock:
                report = self.assistant.ingest(staged, progress=True)
            result = self._result(name, report)
            if result.status != "rejected":
                self.settings.uploads_dir.mkdir(parents=True, exist_ok=True)
                staged.replace(self.settings.uploads_dir / name)
            return result
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def upload_paths(self, paths: Sequence[Path]) -> list[UploadResult]:
        """Upload files already on disk (Gradio hands over temp copies) under their own names."""
        results = []
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as err:
                log.warning("cannot read upload %s: %s", path, err)
                results.append(UploadResult(path.name, "rejected", error=f"{path.name} could not be read."))
                continue
            results.append(self.upload(path.name, data))
        return results

    def _result(self, name: str, report: IngestReport) -> UploadResult:
        if report.errors:
            return UploadResult(name, "rejected", error=next(iter(report.errors.values())))
        if report.added:
            return UploadResult(name, "added", chunks=report.chunks_written)
        if report.updated:
            return UploadResult(name, "updated", chunks=report.chunks_written)
        return UploadResult(name, "unchanged")
