"""The MCP server through the SDK's own client: `assistant mcp` over stdio, and `/mcp` of `assistant serve`.

Both run as real subprocesses over an index of the shipped articles built by `assistant ingest`. Every
citation is checked against the shipped file itself: ``text[start:end] == quote``. The same server's
``/v1/chat/completions`` is asked for the Anthropic and OpenAI citation shapes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import anyio
import httpx
import httpx2
import openai
import pytest
from mcp import Client, MCPError, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from assistant import Assistant
from assistant.serve.mcp import NewsTools, build_server
from assistant.serve.service import AssistantService
from tests.conftest import ARTICLES, ROOT
from tests.support.loopback import assistant_serve

pytestmark = pytest.mark.slow
KEY = "test-key-7f3a"
READ_ONLY_TOOLS = {"ask", "search", "facts", "documents"}
CREW_99 = (
    "---\ntitle: Crew-99 named\npublished: 2026-03-02\n---\n"
    "NASA named the Crew-99 crew on Monday. The Crew-99 mission will be commanded by NASA astronaut "
    "Maria Okafor, with pilot Tomas Lindqvist. Crew-99 is scheduled to launch in 2027.\n"
)
T = TypeVar("T")


def _assistant_command() -> list[str]:
    """The installed `assistant` script, as a client's configuration names it (else `python -m assistant`)."""
    script = Path(sys.executable).with_name("assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def _env(embed_cache: Path, **extra: str) -> dict[str, str]:
    # The SDK hands a stdio server only a few variables; pass ours (and the shared ONNX export).
    return {**os.environ, "ASSISTANT_EMBED_CACHE_DIR": str(embed_cache), **extra}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, embed_cache: Path) -> Path:
    data = tmp_path_factory.mktemp("mcp") / "index"
    command = [*_assistant_command(), "--data-dir", str(data), "ingest", str(ARTICLES), "--no-progress"]
    subprocess.run(command, env=_env(embed_cache), check=True, cwd=ROOT, capture_output=True)
    return data


def _copy(index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the index, so two server processes never share one embedded Chroma."""
    target = tmp_path / "index"
    shutil.copytree(index_dir, target)
    return target


def _run(session: Callable[[Client], Awaitable[T]], transport: Any) -> T:
    async def main() -> T:
        async with Client(transport) as client:
            return await session(client)

    return anyio.run(main)


@contextlib.asynccontextmanager
async def _stdio(data_dir: Path, embed_cache: Path, log: Path, *flags: str) -> AsyncIterator[Any]:
    """`assistant mcp` as a client's configuration starts it; its stderr goes to ``log``."""
    command, *args = _assistant_command()
    params = StdioServerParameters(
        command=command,
        args=[*args, "--data-dir", str(data_dir), "mcp", *flags],
        env=_env(embed_cache),
        cwd=str(ROOT),
    )
    with log.open("w") as errlog:
        async with stdio_client(params, errlog=errlog) as streams:
            yield streams


def _payload(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert result.structured_content == json.loads(result.content[0].text)  # type: ignore[union-attr]
    return dict(result.structured_content)


def _check_spans(payload: dict[str, Any]) -> None:
    assert payload["citations"], payload
    for citation in payload["citations"]:
        text = (ARTICLES / citation["file"]).read_text(encoding="utf-8")
        assert text[citation["start"] : citation["end"]] == citation["quote"]
        assert citation["resource"] == f"news://articles/{citation['file']}"


async def _read_only_session(client: Client) -> dict[str, Any]:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    ask = _payload(await client.call_tool("ask", {"question": "Who leads the Crew-12 mission?"}))
    assert ask["citations"], ask
    cited = ask["citations"][0]
    article = await client.read_resource(cited["resource"])
    return {
        "tools": tools,
        "ask": ask,
        "article": article.contents[0].text,  # type: ignore[union-attr]
        "search": _payload(await client.call_tool("search", {"query": "Crew-12 docking time", "k": 3})),
        "facts": _payload(await client.call_tool("facts", {"mission": "crew 12", "kind": "crew"})),
        "documents": _payload(await client.call_tool("documents", {})),
        "resources": [r.uri for r in (await client.list_resources()).resources],
        "abstains": _payload(await client.call_tool("ask", {"question": "Who commanded Crew-13?"})),
    }


def _check_read_only_session(seen: dict[str, Any]) -> None:
    assert set(seen["tools"]) == READ_ONLY_TOOLS  # no ingest without --allow-writes
    for tool in seen["tools"].values():
        assert tool.description and "\n" not in tool.description and tool.input_schema["type"] == "object"
        assert tool.annotations.read_only_hint is True
    assert seen["tools"]["ask"].input_schema["required"] == ["question"]
    ask = seen["ask"]
    assert ask["short_answer"] == "Jessica Meir" and not ask["abstained"] and "[1]" in ask["text"]
    _check_spans(ask)
    cited = ask["citations"][0]
    assert seen["article"][cited["start"] : cited["end"]] == cited["quote"]  # the resource opens the cited text
    passages = seen["search"]["passages"]
    assert len(passages) == 3 and all(p["score"] > 0 for p in passages)
    for p in passages:
        assert (ARTICLES / p["file"]).read_text(encoding="utf-8")[p["start"] : p["end"]] == p["text"]
    crew = seen["facts"]["facts"]
    assert crew and all(r["mission"] == "Crew-12" and r["kind"] == "crew" for r in crew)
    assert "Jessica Meir" in {r["person"] for r in crew} and all(r["quote"] for r in crew)
    files = sorted(p.name for p in ARTICLES.iterdir())
    assert [d["file"] for d in seen["documents"]["documents"]] == files
    assert seen["resources"] == [f"news://articles/{f}" for f in files]
    assert seen["abstains"]["abstained"] and not seen["abstains"]["citations"]


BAD_CALLS = [
    ("ask", {"question": "   "}, "The question is empty."),
    ("ask", {"question": "Who leads Crew-12?", "top_k": 0}, "top_k must be between 1 and 50, not 0."),
    ("search", {"query": "Crew-12", "k": 0}, "k must be between 1 and 50, not 0."),
    ("search", {"query": "Crew-12", "k": 10**6}, "k must be between 1 and 50, not 1000000."),
    ("search", {"query": ""}, "The query is empty."),
    (
        "facts",
        {"mission": "Crew-99"},
        "No fact in the articles is about mission 'Crew-99' (missions: Crew-11, Crew-12).",
    ),
    ("facts", {"kind": "weather"}, "kind must be one of crew, event, role, not 'weather'."),
    ("ask", {"question": "What docked?", "as_of": "15/02/2026"}, "as_of must be a date written YYYY-MM-DD"),
]


async def _bad_calls(client: Client) -> list[tuple[CallToolResult, str]]:
    results = [(await client.call_tool(tool, args), expected) for tool, args, expected in BAD_CALLS]
    after = await client.call_tool("ask", {"question": "Who leads the Crew-12 mission?"})
    return [*results, (after, "")]


def test_stdio_client_lists_tools_answers_searches_and_opens_the_cited_article(
    index_dir: Path, embed_cache: Path, tmp_path: Path
) -> None:
    seen = _run(_read_only_session, _stdio(index_dir, embed_cache, tmp_path / "mcp.log"))
    _check_read_only_session(seen)


def test_bad_arguments_are_tool_errors_with_one_sentence(index_dir: Path, embed_cache: Path, tmp_path: Path) -> None:
    results = _run(_bad_calls, _stdio(index_dir, embed_cache, tmp_path / "mcp.log"))
    *bad, after = results
    for result, expected in bad:
        assert result.is_error, expected
        text = result.content[0].text  # type: ignore[union-attr]
        assert text.startswith(expected) and text.endswith(".") and "\n" not in text
    assert not after[0].is_error  # the server is still there and answering


def test_allow_writes_adds_ingest(index_dir: Path, embed_cache: Path, tmp_path: Path) -> None:
    article = tmp_path / "crew99.md"
    article.write_text(CREW_99, encoding="utf-8")

    async def session(client: Client) -> dict[str, Any]:
        return {
            "tools": {t.name for t in (await client.list_tools()).tools},
            "missing": await client.call_tool("ingest", {"url_or_path": str(tmp_path / "nope.txt")}),
            "added": _payload(await client.call_tool("ingest", {"url_or_path": str(article)})),
            "ask": _payload(await client.call_tool("ask", {"question": "Who commands the Crew-99 mission?"})),
        }

    seen = _run(session, _stdio(_copy(index_dir, tmp_path), embed_cache, tmp_path / "mcp.log", "--allow-writes"))
    assert seen["tools"] == READ_ONLY_TOOLS | {"ingest"}
    assert seen["missing"].is_error and seen["missing"].content[0].text.endswith("nope.txt does not exist.")
    assert seen["added"]["added"] == ["crew99.md"] and seen["added"]["chunks_written"] >= 1
    assert "Maria Okafor" in seen["ask"]["text"] and seen["ask"]["citations"][0]["file"] == "crew99.md"


async def _read_error(client: Client, uri: str) -> str:
    try:
        await client.read_resource(uri)
    except MCPError as err:
        return err.error.message
    raise AssertionError(f"{uri} was read")


def test_an_empty_index_is_a_tool_error_not_a_crash(fresh_bot: Assistant) -> None:
    """In process (the SDK's in-memory transport): no index yet, every tool still answers."""
    server = build_server(NewsTools(AssistantService(fresh_bot)))

    async def session(client: Client) -> dict[str, Any]:
        return {
            "ask": await client.call_tool("ask", {"question": "Who leads the Crew-12 mission?"}),
            "documents": _payload(await client.call_tool("documents", {})),
            "resources": (await client.list_resources()).resources,
            "missing": await _read_error(client, "news://articles/a.txt"),
        }

    seen = _run(session, server)
    assert seen["ask"].is_error and "ingest" in seen["ask"].content[0].text
    assert seen["documents"] == {"documents": []} and seen["resources"] == []
    assert seen["missing"] == "a.txt is not in the index; the documents tool lists what is."  # a protocol error


# -- Streamable HTTP on `assistant serve` -------------------------------------------------------------
@pytest.fixture(scope="module")
def serve_url(index_dir: Path, embed_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("mcp_serve")
    data = _copy(index_dir, tmp)
    command = [*_assistant_command(), "--data-dir", str(data), "serve"]
    with assistant_serve(command, _env(embed_cache, ASSISTANT_API_KEY=KEY), ROOT, tmp / "serve.log") as url:
        yield url


def _http(url: str, key: str | None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return streamable_http_client(f"{url}/mcp", http_client=httpx2.AsyncClient(headers=headers, timeout=60))


def test_streamable_http_with_the_key(serve_url: str) -> None:
    _check_read_only_session(_run(_read_only_session, _http(serve_url, KEY)))
    results = _run(_bad_calls, _http(serve_url, KEY))
    assert all(r.is_error for r, _ in results[:-1]) and not results[-1][0].is_error


def test_streamable_http_without_the_key_is_refused(serve_url: str) -> None:
    for key in (None, "wrong"):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        response = httpx.post(f"{serve_url}/mcp", json={}, headers=headers, timeout=30)
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "A valid API key is required (Authorization: Bearer KEY)."
        with pytest.raises(ExceptionGroup) as failed:  # the SDK's client cannot even initialise
            _run(lambda client: client.list_tools(), _http(serve_url, key))
        assert failed.group_contains(MCPError)


def test_chat_completions_offer_anthropic_and_openai_citation_shapes(serve_url: str) -> None:
    client = openai.OpenAI(base_url=f"{serve_url}/v1", api_key=KEY, max_retries=0, timeout=60)
    messages: Any = [{"role": "user", "content": "Who leads the Crew-12 mission?"}]
    plain = client.chat.completions.create(model="news-assistant", messages=messages)
    assert plain.choices[0].message.annotations is None and "content_blocks" not in (
        plain.choices[0].message.model_extra or {}
    )

    shaped = client.chat.completions.create(
        model="news-assistant", messages=messages, extra_body={"citation_format": "anthropic,openai"}
    )
    message = shaped.choices[0].message
    content = message.content or ""
    assert message.annotations and [
        content[a.url_citation.start_index : a.url_citation.end_index] for a in message.annotations
    ] == ["[1]"]
    cite = message.annotations[0].url_citation
    assert cite.url == "news://articles/002_15bd8c08e1a82e16.txt" and cite.title
    blocks = (message.model_extra or {})["content_blocks"]
    located = [c for b in blocks for c in b.get("citations", [])]
    assert blocks[0]["text"] == "Jessica Meir" and len(located) == 1
    files = (shaped.model_extra or {})["assistant"]["cited_files"]
    source = (ARTICLES / files[located[0]["document_index"]]).read_text(encoding="utf-8")
    assert source[located[0]["start_char_index"] : located[0]["end_char_index"]] == located[0]["cited_text"]

    stream = client.chat.completions.create(
        model="news-assistant", messages=messages, stream=True, extra_headers={"X-Citation-Format": "openai"}
    )
    final = [chunk for chunk in stream if chunk.choices and chunk.choices[0].finish_reason][-1]
    delta = final.choices[0].delta.model_extra or {}
    assert delta["annotations"][0]["url_citation"]["start_index"] == cite.start_index

    bad = httpx.post(
        f"{serve_url}/v1/chat/completions",
        json={"messages": messages, "citation_format": "markdown"},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=30,
    )
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("Unknown citation format 'markdown'")
