"""`assistant ingest|ask|documents|delete|feeds|watch|serve|mcp|eval`: the command line. Display only."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from assistant.config import GENERATOR_NAMES, Settings
from assistant.errors import AssistantError
from assistant.evaluation.gold import SPLITS

log = logging.getLogger("assistant")

ENV_HELP = """
settings (environment, or a .env file; flags override them):
  ASSISTANT_DATA_DIR         where the embedded Chroma lives (default index/data)
  ASSISTANT_CHROMA_HOST/PORT use a `chroma run` server instead of the embedded store
  ASSISTANT_GENERATOR        extractive (default), local (bundled SmolLM2) or openai
  ASSISTANT_OPENAI_BASE_URL  OpenAI-compatible endpoint (OPENAI_BASE_URL is honoured too)
  ASSISTANT_OPENAI_MODEL     model name at that endpoint; key from OPENAI_API_KEY
  ASSISTANT_TOP_K            passages handed to the generator (default 5)
  ASSISTANT_LLM_TIMEOUT_S    give up on the LLM after this many seconds (default 30)
  ASSISTANT_API_KEY          bearer key required by /v1 and /mcp when set (`serve`)
  ASSISTANT_UI_USERNAME/ASSISTANT_UI_PASSWORD  login for the web page (`serve`)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Grounded question answering over news articles: every answer cites its sentences.",
        epilog=ENV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", type=Path, help="where the embedded Chroma index lives")
    parser.add_argument("--chroma-host", help="Chroma server host (default: embedded store)")
    parser.add_argument("--chroma-port", type=int, help="Chroma server port")
    parser.add_argument("--collection", help="Chroma collection name (default articles)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", help="index article files or folders (txt, md, html, pdf), pages and feeds")
    ingest.add_argument("paths", nargs="+", help="files or folders, or http(s) URLs of pages or RSS/Atom feeds")
    ingest.add_argument("--prune", action="store_true", help="delete indexed files that are no longer in PATHS")
    ingest.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", help="the question, quoted")
    ask.add_argument("--generator", choices=GENERATOR_NAMES, help="who writes the answer (default extractive)")
    ask.add_argument("--top-k", type=int, help="passages handed to the generator")
    ask.add_argument("--json", action="store_true", help="print the whole Answer as JSON")
    ask.add_argument(
        "--as-of", type=date.fromisoformat, help="the day the question is asked, YYYY-MM-DD (for 'this week')"
    )

    facts = sub.add_parser("facts", help="the crews-and-events table read from the articles, with sources")
    facts.add_argument("--kind", choices=["crew", "event", "role"], help="only this kind of fact")
    facts.add_argument("--mission", help="only facts about this mission, e.g. Crew-11")
    facts.add_argument("--json", action="store_true", help="print rows as JSON lines")

    sub.add_parser("documents", help="list indexed articles")
    delete = sub.add_parser("delete", help="remove one article from the index")
    delete.add_argument("file", help="file name as listed by `assistant documents`")

    feeds = sub.add_parser("feeds", help="the RSS/Atom feeds this index follows: feeds add|list|remove URL")
    feeds.add_argument("action", choices=["add", "list", "remove"])
    feeds.add_argument("url", nargs="?", help="the feed's URL (add, remove)")
    watch = sub.add_parser("watch", help="poll the followed feeds and index their new items")
    watch.add_argument("--interval", type=float, help="seconds between polls of a feed (default 900)")
    watch.add_argument("--once", action="store_true", help="poll every due feed once, then exit")

    serve = sub.add_parser("serve", help="web page at / and OpenAI-compatible API at /v1 (one process)")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    serve.add_argument(
        "--allow-unauthenticated",
        action="store_true",
        help="serve beyond loopback without an API key and page password (not recommended)",
    )
    serve.add_argument("--watch", action="store_true", help="also poll the followed feeds (see `assistant watch`)")
    serve.add_argument("--watch-interval", type=float, help="seconds between polls of a feed (default 900)")

    mcp = sub.add_parser("mcp", help="MCP server over stdio for AI clients (tools: ask, search, facts, documents)")
    mcp.add_argument("--allow-writes", action="store_true", help="also offer the ingest tool (files, folders, URLs)")

    evaluate = sub.add_parser("eval", help="score answers against gold questions and write a report")
    evaluate.add_argument("--gold", type=Path, default=Path("eval/gold/gold.jsonl"), help="gold questions (JSONL)")
    evaluate.add_argument("--corpus", type=Path, default=Path("index/articles"), help="folder of the articles")
    evaluate.add_argument("--out", type=Path, default=Path("eval/reports/latest"), help="report folder")
    evaluate.add_argument(
        "--generator",
        action="append",
        choices=GENERATOR_NAMES,
        help="generator(s) to score; repeat the flag for several (default: extractive and local, "
        "plus openai when an endpoint is configured)",
    )
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the naive LlamaIndex baseline")
    evaluate.add_argument(
        "--baseline-questions",
        type=int,
        default=30,
        help="run the slow naive baseline on this many questions, every type in proportion (0 = all; "
        "default 30 keeps the whole eval under 10 minutes on 2 cores)",
    )
    evaluate.add_argument("--limit", type=int, help="only the first N questions")
    evaluate.add_argument(
        "--split",
        choices=SPLITS,
        default="all",
        help="tune: ids ending in an even digit (develop on these); report: odd ones (report, never tune); default all",
    )
    evaluate.add_argument(
        "--workdir", type=Path, help="keep the eval index here and reuse it next time (default: a temp folder)"
    )
    evaluate.add_argument(
        "--compare",
        type=Path,
        help="predictions.jsonl of an earlier run: its accuracy per category, rescored on this gold file, "
        "is shown beside this run's",
    )
    evaluate.add_argument(
        "--judge-url",
        help="OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1) that judges faithfulness and relevancy "
        "of every non-abstaining answer (default ASSISTANT_JUDGE_BASE_URL; no judge when unset)",
    )
    evaluate.add_argument("--judge-model", help="model name sent to the judge (default ASSISTANT_JUDGE_MODEL)")

    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for flag, key in (
        ("data_dir", "data_dir"),
        ("chroma_host", "chroma_host"),
        ("chroma_port", "chroma_port"),
        ("collection", "collection"),
        ("host", "host"),
        ("port", "port"),
        ("judge_url", "judge_base_url"),
        ("judge_model", "judge_model"),
    ):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[key] = value
    if getattr(args, "top_k", None):
        overrides["top_k"] = args.top_k
    return Settings(**overrides)


def _print_answer(answer: Any) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    console.print(answer.text, markup=False)
    for note in answer.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    if answer.citations:
        console.print("\n[bold]Sources[/bold]")
        chunks = {s.chunk.id: s.chunk for s in answer.sources}
        for c in answer.citations:
            dated = c.published.isoformat() if c.published else "undated"
            chunk = chunks.get(c.chunk_id)
            # Offsets index the decoded text; say so when the file was not UTF-8.
            decoded = f" of the text decoded from {chunk.encoding}" if chunk and chunk.encoding else ""
            console.print(f"[{c.n}] {c.file} ({dated}), chars {c.start}-{c.end}{decoded}", markup=False)
            if chunk and chunk.also:  # syndicated copies merged into this article at ingest
                copies = ", ".join(f"{where} ({day or 'undated'})" for where, day in chunk.also)
                console.print(f"    also reported by {copies}", markup=False)
            console.print(f"    “{' '.join(c.quote.split())}”", markup=False)
    console.print(
        f"\n[dim]{answer.generator} · retrieve {answer.timings.retrieve * 1000:.0f} ms · "
        f"generate {answer.timings.generate * 1000:.0f} ms · total {answer.timings.total * 1000:.0f} ms[/dim]"
    )


def _answer_json(answer: Any) -> str:
    from dataclasses import asdict

    def default(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return json.dumps(asdict(answer), default=default, indent=2)


def _print_facts(rows: list[dict[str, str]], kind: str | None, mission: str | None, as_json: bool) -> None:
    wanted = [
        r for r in rows if (not kind or r["kind"] == kind) and (not mission or r["mission"].lower() == mission.lower())
    ]
    if as_json:
        for row in wanted:
            print(json.dumps(row, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("kind", "mission", "who", "role / agency", "event", "date", "source", show_lines=False)
    for r in wanted:
        who_what = " · ".join(x for x in (r["role"], r["agency"]) if x)
        event = f"{r['event']} ({r['status']})" if r["event"] else ""
        when = " ".join(x for x in (r["date"], r["time"]) if x)
        table.add_row(r["kind"], r["mission"], r["person"], who_what, event, when, f"{r['file']} ({r['published']})")
    Console().print(table)
    print(f"{len(wanted)} facts; each row's sentence: assistant facts --json")


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        for noisy in ("bm25s", "httpx", "chromadb", "sentence_transformers", "transformers"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        settings = _settings(args)
        if args.command == "eval":
            from assistant.evaluation.harness import run_eval_cli

            return run_eval_cli(args, settings)
        if args.command == "serve":
            from assistant.serve.server import serve

            watch_s = (args.watch_interval or settings.feed_interval_s) if args.watch else None
            serve(settings, allow_unauthenticated=args.allow_unauthenticated, watch_interval_s=watch_s)
            return 0
        if args.command in {"feeds", "watch"}:
            from assistant.watch_cli import run_feeds_cli, run_watch_cli

            return run_feeds_cli(args, settings) if args.command == "feeds" else run_watch_cli(args, settings)
        if args.command == "mcp":
            from assistant.pipeline import Assistant
            from assistant.serve.mcp import run_stdio
            from assistant.serve.service import AssistantService

            run_stdio(AssistantService(Assistant(settings)), allow_writes=args.allow_writes)
            return 0
        from assistant.pipeline import Assistant

        bot = Assistant(settings)
        if args.command == "ingest":
            report = bot.ingest(*args.paths, prune=args.prune, progress=not args.no_progress)
            print(report.summary())
            for path, reason in report.errors.items():
                print(f"rejected {path}: {reason}", file=sys.stderr)
            return 0 if not report.errors else 3
        if args.command == "ask":
            answer = bot.ask(args.question, generator=args.generator, as_of=args.as_of)
            print(_answer_json(answer)) if args.json else _print_answer(answer)
            return 0
        if args.command == "facts":
            _print_facts(bot.facts_table().rows(), args.kind, args.mission, args.json)
            return 0
        if args.command == "documents":
            for record in bot.documents():
                dated = record.published.isoformat() if record.published else "undated"
                print(f"{record.file}\t{dated}\t{record.chunks} chunks\t{record.title or ''}")
            return 0
        if args.command == "delete":
            if bot.delete(args.file):
                print(f"deleted {args.file}")
                return 0
            print(f"error: {args.file} is not in the index.", file=sys.stderr)
            return 4
    except AssistantError as err:
        log.debug("failed", exc_info=True)
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


def main() -> None:
    sys.exit(run())
