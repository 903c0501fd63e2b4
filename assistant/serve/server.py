"""`assistant serve`: one process, the page at ``/``, the OpenAI-compatible API under ``/v1``, MCP at ``/mcp``.

Binding: loopback by default. Binding any other interface without both an API key and a page
password is refused (``--allow-unauthenticated`` overrides it, with a warning), because the API
can add and delete documents.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings
from assistant.errors import AssistantError, ConfigError
from assistant.pipeline import Assistant
from assistant.serve.api import build_router, error_body, install_error_handlers
from assistant.serve.mcp import http_endpoint
from assistant.serve.service import AssistantService
from assistant.serve.web import CSS, HEAD, build_page

log = logging.getLogger(__name__)

MULTIPART_OVERHEAD = 64 * 1024


class BodyLimit:
    """Refuse request bodies over a limit (413) before the app parses them.

    A declared Content-Length is checked up front. A chunked body, which declares none, is read
    here up to the limit (it is bounded by the limit, so buffering it is safe) and then replayed.
    Upload routes get the file limit, everything else under /v1 the JSON one.
    """

    def __init__(self, app: ASGIApp, json_limit: int, upload_limit: int) -> None:
        self.app, self.json_limit, self.upload_limit = app, json_limit, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1"):
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if path.startswith("/v1/ingest") else self.json_limit
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > limit:
                await _too_large(send, limit)
                return
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left
            body += message.get("body", b"")
            if len(body) > limit:
                await _too_large(send, limit)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send, limit: int) -> None:
    response = JSONResponse(
        error_body(f"The request body is larger than {limit:,} bytes.", "invalid_request_error", "body_too_large"),
        status_code=413,
    )
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(settings: Settings, allow_unauthenticated: bool = False) -> None:
    """Refuse to expose an unauthenticated assistant beyond this machine (see module docstring)."""
    if is_loopback(settings.host):
        return
    missing = []
    if not settings.api_key:
        missing.append("ASSISTANT_API_KEY")
    if not (settings.ui_username and settings.ui_password):
        missing.append("ASSISTANT_UI_USERNAME/ASSISTANT_UI_PASSWORD")
    if not missing:
        return
    if allow_unauthenticated:
        log.warning(
            "serving on %s without %s: anyone who can reach it can use it", settings.host, " and ".join(missing)
        )
        return
    raise ConfigError(
        f"Refusing to serve on {settings.host} without {' and '.join(missing)}; "
        "set them, bind to 127.0.0.1, or pass --allow-unauthenticated."
    )


def _start_watching(service: AssistantService, interval_s: float) -> threading.Event:
    """`serve --watch`: the feeds are polled in a daemon thread; fetching runs outside the service's
    lock and only the index write inside it, so questions never wait on a slow site."""

    watcher = service.assistant.watcher(interval_s, ingest=service.ingest_fetched)
    stop = threading.Event()
    report = lambda result: log.warning("watch: %s", result.line())  # noqa: E731
    threading.Thread(target=watcher.run, args=(stop, report), name="feed-watch", daemon=True).start()
    return stop


def page_fetches_public_only(settings: Settings) -> bool:
    """The page's URL box fetches only global addresses when others can reach the page, unless the
    operator allows private ones (``ASSISTANT_PAGE_FETCH_PRIVATE``)."""
    return not is_loopback(settings.host) and not settings.page_fetch_private


def create_app(assistant: Assistant, watch_interval_s: float | None = None) -> FastAPI:
    """The whole server as an ASGI app (tests run it with uvicorn on a free loopback port);
    with ``watch_interval_s``, the followed feeds are polled too."""
    settings = assistant.settings
    try:
        assistant.warm_up()
    except AssistantError as err:  # a missing index or LLM is reported per request, not fatal here
        log.warning("warm-up: %s", err)
    service = AssistantService(assistant, public_fetch_only=page_fetches_public_only(settings))
    watch_stop = _start_watching(service, watch_interval_s) if watch_interval_s else None
    mcp_app, mcp_sessions = http_endpoint(service, loopback=is_loopback(settings.host))

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with mcp_sessions.run():  # the MCP endpoint's sessions live as long as the server
            yield

    app = FastAPI(
        title="News assistant API",
        description="OpenAI-compatible chat completions with citations, plus document management.",
        version="1",
        docs_url="/v1/docs",
        openapi_url="/v1/openapi.json",
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.state.watch_stop = watch_stop  # set it to stop the feed watcher (the tests do)

    @app.get("/health")
    def health() -> Any:
        try:
            documents = len(service.documents())
        except AssistantError as err:
            return JSONResponse({"status": "error", "error": str(err)}, status_code=503)
        return {"status": "ok", "documents": documents, "store": assistant.store.location}

    app.include_router(build_router(service))
    app.router.routes.append(Route("/mcp", endpoint=mcp_app))  # MCP over Streamable HTTP, the /v1 key
    app.add_middleware(
        BodyLimit,
        json_limit=settings.max_request_bytes,
        upload_limit=settings.max_file_bytes + MULTIPART_OVERHEAD,
    )
    auth = None
    if settings.ui_username and settings.ui_password:
        auth = (settings.ui_username, settings.ui_password.get_secret_value())
    page = build_page(service)
    page.queue(default_concurrency_limit=4)
    return gr.mount_gradio_app(
        app,
        page,
        path="",
        auth=auth,
        max_file_size=settings.max_file_bytes,
        css=CSS,
        head=HEAD,
        footer_links=["api"],
        show_error=False,
        ssr_mode=False,
    )


def serve(settings: Settings, allow_unauthenticated: bool = False, watch_interval_s: float | None = None) -> None:
    import uvicorn

    check_binding(settings, allow_unauthenticated)
    assistant = Assistant(settings)
    app = create_app(assistant, watch_interval_s)
    print(f"News assistant on http://{settings.host}:{settings.port}/  (API: /v1, schema: /v1/openapi.json, MCP: /mcp)")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
