"""The MCP server (official ``mcp`` SDK): the news tools, and each indexed article as a resource.

``assistant mcp`` serves it over stdio; ``assistant serve`` mounts the same tools over Streamable
HTTP at ``/mcp``, behind the ``/v1`` API key. Read-only unless built with ``allow_writes``, which
adds ``ingest`` (stdio only: over HTTP a path would name a file on the server's disk).

Tool errors: a failure the caller can fix (an empty question, k out of range, an unknown mission,
no index yet) comes back as a tool result with ``isError`` and the one-sentence message as its
text, so the calling model reads it and can retry; anything else is the SDK's generic tool error.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from mcp.types import Resource as MCPResource
from pydantic import Field
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import Settings
from assistant.errors import AssistantError, UnreadableFileError
from assistant.serve.api import KEY_REQUIRED, error_body, key_accepted
from assistant.serve.citation_shapes import resource_uri
from assistant.serve.mcp.tools import MAX_K, NewsTools
from assistant.serve.service import AssistantService

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Answers questions about the indexed space-news articles (crews, missions, launches, dockings). "
    "Every answer cites the sentence it comes from, with its file and character span; when the "
    "articles do not cover a question, `ask` says so (abstained: true) instead of guessing."
)
ARTICLE_TEMPLATE = "news://articles/{file}"

_K = {"minimum": 1, "maximum": MAX_K}
Question = Annotated[str, Field(description="The question, in plain words, e.g. 'Who leads the Crew-12 mission?'.")]
Query = Annotated[str, Field(description="What to look for, in plain words or keywords.")]
AsOf = Annotated[
    str | None,
    Field(description="The day the question is asked, YYYY-MM-DD, so 'this week' means something (default today)."),
]
TopK = Annotated[
    int | None, Field(description=f"Passages the answer may draw on, 1-{MAX_K} (default 5).", json_schema_extra=_K)
]
K = Annotated[
    int | None, Field(description=f"How many passages to return, 1-{MAX_K} (default 5).", json_schema_extra=_K)
]
Mission = Annotated[str | None, Field(description="Only facts about this mission, e.g. 'Crew-11'.")]
Kind = Annotated[
    str | None,
    Field(
        description="Only this kind of fact: crew, event or role.",
        json_schema_extra={"enum": ["crew", "event", "role", None]},  # checked in tools.py, with a sentence
    ),
]
Target = Annotated[str, Field(description="A file or folder on this machine (txt, md, html, pdf), or a URL.")]

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
# One line each, written for the model that picks the tool.
DESCRIPTIONS = {
    "ask": "Answer a question from the news articles with cited sentences (file or URL, title, date, quote, "
    "start/end), or say that the articles do not cover it (abstained).",
    "search": "Find the article passages most relevant to a query, with their retrieval scores; writes no answer.",
    "facts": "List the crews-and-events table read from the articles (who flew which mission, launches, dockings, "
    "posts), each row with the sentence it comes from.",
    "documents": "List the indexed articles: file, title, publication date, chunk count and resource URI.",
    "ingest": "Add articles to the index from a file, a folder or an http(s) URL; unchanged files are skipped.",
}


def tool_result(call: Callable[[], dict[str, Any]]) -> CallToolResult:
    """The payload as JSON text and structured content, or a tool error carrying the sentence."""
    try:
        payload = call()
    except AssistantError as err:
        log.info("tool error: %s", err)
        return CallToolResult(content=[TextContent(type="text", text=str(err))], is_error=True)
    text = json.dumps(payload, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=payload)


class NewsServer(MCPServer[Any]):
    """``MCPServer`` whose resource list is the index's current articles, read per request."""

    def __init__(self, tools: NewsTools) -> None:
        super().__init__("news-assistant", instructions=INSTRUCTIONS, log_level="WARNING")
        self.news = tools

    async def list_resources(self) -> list[MCPResource]:
        records = await anyio.to_thread.run_sync(self.news.service.documents)
        return [
            MCPResource(
                uri=resource_uri(r.file),
                name=r.file,
                title=r.title or r.file,
                description=f"Indexed article, {r.published.isoformat() if r.published else 'undated'}; "
                "citation start/end offsets index this text.",
                mime_type="text/plain",
            )
            for r in records
        ] + await super().list_resources()


def build_server(tools: NewsTools) -> NewsServer:
    server = NewsServer(tools)

    @server.tool(annotations=READ_ONLY, description=DESCRIPTIONS["ask"])
    def ask(question: Question, as_of: AsOf = None, top_k: TopK = None) -> CallToolResult:
        return tool_result(lambda: tools.ask(question, as_of, top_k))

    @server.tool(annotations=READ_ONLY, description=DESCRIPTIONS["search"])
    def search(query: Query, as_of: AsOf = None, k: K = None) -> CallToolResult:
        return tool_result(lambda: tools.search(query, as_of, k))

    @server.tool(annotations=READ_ONLY, description=DESCRIPTIONS["facts"])
    def facts(mission: Mission = None, kind: Kind = None) -> CallToolResult:
        return tool_result(lambda: tools.facts(mission, kind))

    @server.tool(annotations=READ_ONLY, description=DESCRIPTIONS["documents"])
    def documents() -> CallToolResult:
        return tool_result(tools.documents)

    if tools.allow_writes:

        @server.tool(
            annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False),
            description=DESCRIPTIONS["ingest"],
        )
        def ingest(url_or_path: Target) -> CallToolResult:
            return tool_result(lambda: tools.ingest(url_or_path))

    @server.resource(
        ARTICLE_TEMPLATE,
        name="article",
        title="Indexed article",
        description="An indexed article's text; a citation's start/end offsets index it.",
        mime_type="text/plain",
    )
    async def article(file: str) -> str:
        try:
            return await anyio.to_thread.run_sync(tools.article, file)
        except UnreadableFileError as err:  # not in the index
            raise ResourceNotFoundError(str(err)) from err
        except AssistantError as err:  # no index, store down: the sentence, not a generic failure
            raise ResourceError(str(err)) from err

    return server


def warm_up_in_background(service: AssistantService) -> None:
    """Load the models while the client connects, so neither the handshake nor the first call waits."""

    def load() -> None:
        # The service's lock, so a first question waits for the load instead of racing it.
        with service.exclusive() as assistant:
            try:
                assistant.warm_up()
            except AssistantError as err:  # a missing index is reported per call, not fatal here
                log.warning("warm-up: %s", err)

    threading.Thread(target=load, name="warm-up", daemon=True).start()


def run_stdio(service: AssistantService, allow_writes: bool = False) -> None:
    """``assistant mcp``: serve until the client closes stdin (the SDK keeps stray prints off stdout)."""
    server = build_server(NewsTools(service, allow_writes=allow_writes))
    warm_up_in_background(service)
    server.run("stdio")


class RequireKey:
    """ASGI guard: the ``/v1`` API key (``ASSISTANT_API_KEY``) is required here too, 401 without it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            if not key_accepted(self.settings, headers.get("authorization", "")):
                body = error_body(KEY_REQUIRED, "authentication_error")
                response = JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def http_endpoint(service: AssistantService, loopback: bool) -> tuple[ASGIApp, StreamableHTTPSessionManager]:
    """The Streamable HTTP endpoint (read-only, behind the key) and the session manager that the
    host app's lifespan must run (a mounted app's own lifespan never runs).

    On loopback the SDK's DNS-rebinding guard (Host must be localhost) stays on. Bound to another
    interface the guard would refuse every real Host name; there the API key guards ``/mcp``
    (``check_binding`` insists on one unless told otherwise), so the guard is turned off.
    """
    server = build_server(NewsTools(service, allow_writes=False))
    security = None if loopback else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    # Also creates server.session_manager; bodies get the /v1 JSON limit (ASSISTANT_MAX_REQUEST_BYTES).
    server.streamable_http_app(transport_security=security, max_request_body_size=service.settings.max_request_bytes)
    return RequireKey(StreamableHTTPASGIApp(server.session_manager), service.settings), server.session_manager
