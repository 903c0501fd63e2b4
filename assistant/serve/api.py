"""The OpenAI-compatible HTTP API under ``/v1``, plus ``/health``.

Thin by design: every endpoint calls ``AssistantService`` and serialises the ``Answer`` it gets.

Extra fields (documented in the README):
- ``citations``: a list of ``{n, file, title, published, quote, start, end, chunk_id}`` on the chat
  completion, and on the final chunk of a stream (the one with ``finish_reason``).
- ``assistant``: ``{generator, abstained, short_answer, notes, cited_files, timings}``.
- Requests may pass ``top_k`` and ``as_of`` (YYYY-MM-DD, the day the question is asked); the model
  name picks the generator (see ``GET /v1/models``).
- ``citation_format`` (field) or ``X-Citation-Format`` (header): ``anthropic``, ``openai`` or both
  adds the citations in those clients' shapes to the message (``citation_shapes``).
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.config import GENERATOR_NAMES, Settings
from assistant.errors import (
    AssistantError,
    ConfigError,
    GeneratorUnavailableError,
    IndexMismatchError,
    IndexMissingError,
    InvalidQuestionError,
    StoreUnavailableError,
    UnreadableFileError,
)
from assistant.serve.citation_shapes import CitationFormat, message_extras, parse_formats
from assistant.serve.service import AssistantService
from assistant.types import Answer, Chunk, Citation

log = logging.getLogger(__name__)

MODEL_PREFIX = "news-assistant"

# Project errors -> (HTTP status, OpenAI-style error type).
_STATUS: dict[type[AssistantError], tuple[int, str]] = {
    InvalidQuestionError: (400, "invalid_request_error"),
    ConfigError: (400, "invalid_request_error"),
    UnreadableFileError: (415, "invalid_request_error"),
    IndexMissingError: (409, "index_missing"),
    IndexMismatchError: (409, "index_mismatch"),
    StoreUnavailableError: (503, "store_unavailable"),
    GeneratorUnavailableError: (502, "generator_unavailable"),
}


class APIError(Exception):
    """An HTTP error with one user-facing sentence, rendered as OpenAI's ``{"error": {...}}``."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code


def error_body(message: str, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": code, "param": None}}


def from_assistant_error(err: AssistantError) -> APIError:
    for cls in type(err).__mro__:
        if cls in _STATUS:
            status, kind = _STATUS[cls]
            return APIError(status, str(err), kind, type(err).__name__)
    return APIError(500, str(err), "server_error", type(err).__name__)


# -- request / response models -----------------------------------------------------------------
class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI's chat request; sampling knobs are accepted and ignored (answers are grounded, not sampled)."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_PREFIX
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    top_k: int | None = Field(None, ge=1, le=50)
    as_of: date | None = None
    citation_format: str | None = None  # "anthropic", "openai" or "anthropic,openai"


def citation_json(citation: Citation, chunk: Chunk | None = None) -> dict[str, Any]:
    """One citation as JSON. With its source chunk it also names the article's URL, the encoding its
    offsets were decoded from (None for UTF-8), and the syndicated copies merged into it."""
    return {
        "n": citation.n,
        "file": citation.file,
        "title": citation.title,
        "published": citation.published.isoformat() if citation.published else None,
        "quote": citation.quote,
        "start": citation.start,
        "end": citation.end,
        "chunk_id": citation.chunk_id,
        "url": chunk.url if chunk else None,
        "encoding": chunk.encoding if chunk else None,
        "also_reported_by": [{"source": where, "published": day} for where, day in chunk.also] if chunk else [],
    }


def cited_chunks(answer: Answer) -> dict[str, Chunk]:
    """The retrieved chunk behind each citation, by chunk id."""
    return {hit.chunk.id: hit.chunk for hit in answer.sources}


def answer_extras(answer: Answer) -> dict[str, Any]:
    chunks = cited_chunks(answer)
    return {
        "citations": [citation_json(c, chunks.get(c.chunk_id)) for c in answer.citations],
        "assistant": {
            "generator": answer.generator,
            "abstained": answer.abstained,
            "short_answer": answer.short_answer,
            "notes": list(answer.notes),
            "cited_files": answer.cited_files,
            "timings": {
                "retrieve_s": answer.timings.retrieve,
                "generate_s": answer.timings.generate,
                "total_s": answer.timings.total,
            },
        },
    }


def generator_for(model: str) -> str | None:
    """``news-assistant`` -> the configured default; ``news-assistant-local`` -> local, and so on."""
    if model == MODEL_PREFIX:
        return None
    for name in GENERATOR_NAMES:
        if model == f"{MODEL_PREFIX}-{name}":
            return name
    raise APIError(404, f"The model {model!r} does not exist; GET /v1/models lists them.", code="model_not_found")


KEY_REQUIRED = "A valid API key is required (Authorization: Bearer KEY)."


def key_accepted(settings: Settings, authorization: str) -> bool:
    """Whether an ``Authorization`` header passes: always when no key is set (``/v1`` and ``/mcp``)."""
    expected = settings.api_key.get_secret_value() if settings.api_key else None
    if not expected:
        return True
    scheme, _, given = authorization.partition(" ")
    # compare_digest: the time taken does not reveal how much of the key was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


# -- the router ----------------------------------------------------------------------------------
def build_router(service: AssistantService) -> APIRouter:
    settings = service.settings

    def require_key(request: Request) -> None:
        if not key_accepted(settings, request.headers.get("authorization", "")):
            raise APIError(401, KEY_REQUIRED, "authentication_error")

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_key)])

    @v1.get("/models")
    def models() -> dict[str, Any]:
        names = [MODEL_PREFIX] + [f"{MODEL_PREFIX}-{g}" for g in GENERATOR_NAMES]
        return {
            "object": "list",
            "data": [{"id": n, "object": "model", "created": 0, "owned_by": "news-assistant"} for n in names],
        }

    @v1.post("/chat/completions", response_model=None)
    def chat_completions(
        body: ChatRequest, x_citation_format: str | None = Header(None)
    ) -> dict[str, Any] | StreamingResponse:
        generator = generator_for(body.model)
        try:
            formats = parse_formats(body.citation_format, x_citation_format)
        except ValueError as err:
            raise APIError(400, str(err), code="invalid_citation_format") from err
        messages = [{"role": m.role, "content": m.text()} for m in body.messages if m.role in ("user", "assistant")]
        if not any(m["role"] == "user" for m in messages):
            raise APIError(400, "The conversation has no user message.")
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        if not body.stream:
            try:
                answer = service.chat(messages, generator=generator, top_k=body.top_k, as_of=body.as_of)
            except AssistantError as err:
                raise from_assistant_error(err) from err
            return {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": body.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": answer.text, **message_extras(answer, formats)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": None,
                **answer_extras(answer),
            }
        events = service.stream_chat(messages, generator=generator, top_k=body.top_k, as_of=body.as_of)
        try:
            first = next(events)  # errors before the first token still get a proper HTTP status
        except AssistantError as err:
            raise from_assistant_error(err) from err
        return StreamingResponse(
            _sse(first, events, completion_id, created, body.model, formats),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @v1.post("/ingest")
    def ingest(files: list[UploadFile]) -> dict[str, Any]:
        results = []
        for upload in files:
            data = upload.file.read(settings.max_file_bytes + 1)
            results.append(service.upload(upload.filename or "", data))
        body = {"files": [r.__dict__ for r in results]}
        if all(r.status == "rejected" for r in results):
            raise APIError(415, "; ".join(r.error or r.file for r in results), code="UnreadableFileError")
        return body

    @v1.get("/documents")
    def documents() -> dict[str, Any]:
        try:
            records = service.documents()
        except AssistantError as err:
            raise from_assistant_error(err) from err
        return {
            "object": "list",
            "data": [
                {
                    "file": r.file,
                    "title": r.title,
                    "published": r.published.isoformat() if r.published else None,
                    "chunks": r.chunks,
                }
                for r in records
            ],
        }

    @v1.delete("/documents/{file}")
    def delete_document(file: str) -> dict[str, Any]:
        try:
            removed = service.delete(file)
        except AssistantError as err:
            raise from_assistant_error(err) from err
        if not removed:
            raise APIError(404, f"{file} is not in the index.", code="not_found")
        return {"file": file, "deleted": True}

    return v1


def _chunk(completion_id: str, created: int, model: str, delta: dict[str, Any], **extra: Any) -> str:
    payload = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": extra.pop("finish_reason", None)}],
        **extra,
    }
    return f"data: {json.dumps(payload)}\n\n"


def _sse(
    first: str | Answer,
    events: Iterator[str | Answer],
    completion_id: str,
    created: int,
    model: str,
    formats: tuple[CitationFormat, ...] = (),
) -> Iterator[str]:
    """Server-sent events: role, text pieces, then a final chunk carrying the citations (and, when
    asked for, their Anthropic / OpenAI shapes in its delta)."""
    yield _chunk(completion_id, created, model, {"role": "assistant", "content": ""})
    try:
        for item in _prepend(first, events):
            if isinstance(item, Answer):
                delta = message_extras(item, formats)
                yield _chunk(completion_id, created, model, delta, finish_reason="stop", **answer_extras(item))
            elif item:
                yield _chunk(completion_id, created, model, {"content": item})
    except AssistantError as err:
        log.warning("stream failed: %s", err, exc_info=True)
        yield f"data: {json.dumps(error_body(str(err), 'server_error', type(err).__name__))}\n\n"
    except Exception:
        log.exception("stream failed")
        yield f"data: {json.dumps(error_body('The answer failed; details are in the server log.', 'server_error'))}\n\n"
    finally:
        # A client that leaves mid-stream closes this generator; close the answer's too, so the
        # service lock it holds is released now rather than when it is garbage-collected.
        close = getattr(events, "close", None)
        if close is not None:
            close()
    yield "data: [DONE]\n\n"


def _prepend(first: str | Answer, rest: Iterator[str | Answer]) -> Iterator[str | Answer]:
    yield first
    yield from rest


def install_error_handlers(app: FastAPI) -> None:
    """OpenAI-style JSON errors everywhere under /v1: never an HTML page, never a traceback."""

    @app.exception_handler(APIError)
    async def api_error(_: Request, err: APIError) -> JSONResponse:
        return JSONResponse(error_body(err.message, err.kind, err.code), status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def bad_body(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"Bad request body: {where + ': ' if where else ''}{first.get('msg', 'invalid')}."
        return JSONResponse(error_body(message, "invalid_request_error", "invalid_body"), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body(str(err.detail), "invalid_request_error"), status_code=err.status_code)

    @app.exception_handler(AssistantError)
    async def assistant_error(_: Request, err: AssistantError) -> JSONResponse:
        api = from_assistant_error(err)
        return JSONResponse(error_body(api.message, api.kind, api.code), status_code=api.status)
