"""The Gradio page: chat with streamed, cited answers, a sources panel, uploads and the documents list.

Thin: it calls ``AssistantService`` and renders ``Answer`` with ``assistant.render``; nothing here
queries the store or builds citations.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.config import GENERATOR_NAMES
from assistant.errors import AssistantError
from assistant.ingest.fetch import is_url
from assistant.ingest.readers import SUPPORTED_SUFFIXES
from assistant.ingest.remote import articles_from_urls
from assistant.serve.render import answer_markdown, escape_markdown, sources_html
from assistant.serve.service import AssistantService, UploadResult
from assistant.types import Answer

log = logging.getLogger(__name__)

EXAMPLE_QUESTIONS = [
    "Who leads the Crew-12 mission?",
    "When did Crew-12 dock with the ISS?",
    "Who was on Crew-11?",
    "How many hooks latched the Dragon capsule into place?",
]

CSS = """
#sources-panel { max-height: 640px; overflow-y: auto; }
.source, .retrieved { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
  margin-bottom: 8px; }
.source.flash { outline: 3px solid var(--color-accent); }
.source-head { font-size: 0.85em; margin-bottom: 4px; }
.source-n { font-weight: 700; }
.source-file { font-family: var(--font-mono); }
.passage { white-space: pre-wrap; font-size: 0.92em; }
.passage mark { background: #ffe58a; color: inherit; padding: 0 2px; }
.sources-empty { color: var(--body-text-color-subdued); font-style: italic; }
"""

# Clicking a [n] marker scrolls the sources panel to card n instead of following the link.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#source-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  card.scrollIntoView({behavior: "smooth", block: "nearest"});
  card.classList.add("flash");
  setTimeout(() => card.classList.remove("flash"), 1500);
}, true);
</script>
"""

ERROR_PREFIX = "⚠️ "
PENDING_SOURCES = '<div class="sources-pending">Finding sources…</div>'


def _documents_table(service: AssistantService) -> tuple[list[list[Any]], Any]:
    try:
        records = service.documents()
    except AssistantError as err:
        log.warning("documents: %s", err)
        records = []
    rows = [[r.file, r.title or "", r.published.isoformat() if r.published else "undated", r.chunks] for r in records]
    return rows, gr.update(choices=[r.file for r in records], value=None)


FACT_COLUMNS = [
    "kind",
    "mission",
    "person",
    "role",
    "agency",
    "event",
    "status",
    "date",
    "time",
    "file",
    "published",
    "quote",
]


def _facts_table(service: AssistantService) -> list[list[str]]:
    """The crews-and-events table: one row per fact, with the sentence it was read from."""
    try:
        rows = service.facts()
    except AssistantError as err:
        log.warning("facts: %s", err)
        rows = []
    return [[row[c] for c in FACT_COLUMNS] for row in rows]


def _upload_message(results: list[UploadResult]) -> str:
    lines = []
    for r in results:
        if r.status == "rejected":
            lines.append(f"- **Rejected** {escape_markdown(r.file)}: {escape_markdown(r.error or '')}")
        elif r.status == "unchanged":
            lines.append(f"- {escape_markdown(r.file)}: already indexed, unchanged")
        else:
            lines.append(f"- {escape_markdown(r.file)}: {r.status}, {r.chunks} passages indexed")
    return "\n".join(lines) or "No file was chosen."


def _add_urls(service: AssistantService, text: str) -> str:
    """Documents tab: index article pages and feeds, one URL a line. Fetching runs outside the
    service's lock (a slow site must not hold up questions); only the index write takes it."""
    urls = [line.strip() for line in (text or "").splitlines() if line.strip()]
    lines = [f"- **Rejected** {escape_markdown(u)}: not an http(s) address." for u in urls if not is_url(u)]
    wanted = [u for u in urls if is_url(u)]
    if wanted:
        try:
            with service.assistant.fetcher(public_only=service.public_fetch_only) as fetcher:
                items = list(articles_from_urls(wanted, fetcher))
            report = service.ingest_fetched(items)
        except AssistantError as err:
            return ERROR_PREFIX + escape_markdown(str(err))
        lines += [f"- {escape_markdown(f)}: added, {report.chunks_written} passages indexed" for f in report.added]
        lines += [f"- {escape_markdown(f)}: updated" for f in report.updated]
        lines += [f"- {escape_markdown(f)}: already indexed, unchanged" for f in report.unchanged]
        lines += [f"- **Rejected** {escape_markdown(f)}: {escape_markdown(why)}" for f, why in report.errors.items()]
    return "\n".join(lines) or "No URL was given."


def build_page(service: AssistantService) -> gr.Blocks:
    settings = service.settings

    def respond(
        message: str, history: list[dict[str, Any]], questions: list[str], generator: str, top_k: float, show: bool
    ) -> Iterator[tuple[Any, ...]]:
        history = list(history or [])
        questions = [*(questions or []), message or ""]
        history.append({"role": "user", "content": escape_markdown(message or "")})
        history.append({"role": "assistant", "content": "…"})
        yield "", history, questions, PENDING_SOURCES, None
        text, answer = "", None
        try:
            turns = [{"role": "user", "content": q} for q in questions]
            for item in service.stream_chat(turns, generator=generator, top_k=int(top_k)):
                if isinstance(item, Answer):
                    answer = item
                elif item:
                    text += item
                    history[-1] = {"role": "assistant", "content": escape_markdown(text)}
                    # Leave the box alone: the user may already be typing the next question.
                    yield gr.update(), history, questions, gr.update(), None
        except AssistantError as err:
            log.warning("page question failed: %s", err, exc_info=err.__cause__ is not None)
            history[-1] = {"role": "assistant", "content": ERROR_PREFIX + escape_markdown(str(err))}
            yield gr.update(), history, questions[:-1], sources_html(None), None
            return
        except Exception:
            log.exception("page question failed")
            message_text = "Something went wrong while answering; the details are in the server log."
            history[-1] = {"role": "assistant", "content": ERROR_PREFIX + message_text}
            yield gr.update(), history, questions[:-1], sources_html(None), None
            return
        assert answer is not None
        history[-1] = {"role": "assistant", "content": answer_markdown(answer)}
        yield gr.update(), history, questions, sources_html(answer, show), answer

    def upload(files: list[str] | None, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple[Any, ...]:  # noqa: B008
        paths = [Path(f) for f in files or []]
        results = service.upload_paths(paths)
        rows, choices = _documents_table(service)
        return _upload_message(results), rows, choices, None

    def delete(file: str | None) -> tuple[Any, ...]:
        if not file:
            message = "Choose a document to delete."
        else:
            try:
                message = (
                    f"Deleted {escape_markdown(file)}." if service.delete(file) else "That document is not indexed."
                )
            except AssistantError as err:
                message = ERROR_PREFIX + escape_markdown(str(err))
        rows, choices = _documents_table(service)
        return message, rows, choices

    def pick_example(event: gr.SelectData) -> str:
        value = event.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value)

    with gr.Blocks(title="News assistant", fill_height=True) as page:
        gr.Markdown("## News assistant\nAnswers come only from the indexed articles; every claim cites its sentence.")
        last_answer = gr.State(None)
        questions = gr.State([])
        with gr.Tab("Chat"), gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    elem_id="chat",
                    height=520,
                    examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                    placeholder="Ask about crews, missions and dates in the indexed articles.",
                    feedback_options=None,
                )
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask a question and press Enter",
                        show_label=False,
                        elem_id="question",
                        scale=5,
                        max_lines=4,
                    )
                    send = gr.Button("Ask", variant="primary", elem_id="ask", scale=1)
                with gr.Accordion("Settings", open=False, elem_id="settings"):
                    generator = gr.Radio(
                        list(GENERATOR_NAMES), value=settings.generator, label="Generator", elem_id="generator"
                    )
                    top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages (top-k)")
                    show = gr.Checkbox(False, label="Show retrieved passages", elem_id="show-retrieved")
                    clear = gr.Button("Clear chat")
            with gr.Column(scale=2):
                sources = gr.HTML(sources_html(None), elem_id="sources-panel", label="Sources")
        with gr.Tab("Documents"):
            files = gr.File(
                file_count="multiple",
                file_types=sorted(SUPPORTED_SUFFIXES),
                label="Upload articles (txt, md, html, pdf)",
                elem_id="upload",
            )
            add = gr.Button("Add to index", variant="primary", elem_id="add")
            upload_status = gr.Markdown(elem_id="upload-status")
            urls = gr.Textbox(
                label="Or add article pages and RSS/Atom feeds by URL (one a line)", lines=2, elem_id="urls"
            )
            add_urls = gr.Button("Fetch and add", elem_id="add-urls")
            urls_status = gr.Markdown(elem_id="urls-status")
            table = gr.Dataframe(
                headers=["file", "title", "published", "chunks"],
                interactive=False,
                elem_id="documents",
                wrap=True,
            )
            with gr.Row():
                chosen = gr.Dropdown(label="Document", choices=[], elem_id="delete-choice")
                remove = gr.Button("Delete from index", variant="stop")
            delete_status = gr.Markdown()
        with gr.Tab("Crews and events"):
            gr.Markdown(
                "Facts read from the articles at ingest: crew members, posts, launches and dockings. "
                "Relative dates are resolved against the article's publication date; *undated* articles "
                "keep their own words. Each row's **quote** is the sentence it comes from."
            )
            facts = gr.Dataframe(headers=FACT_COLUMNS, interactive=False, elem_id="facts", wrap=True)
            refresh_facts = gr.Button("Refresh", elem_id="refresh-facts")

        ask_inputs = [box, chatbot, questions, generator, top_k, show]
        ask_outputs = [box, chatbot, questions, sources, last_answer]
        box.submit(respond, ask_inputs, ask_outputs)
        send.click(respond, ask_inputs, ask_outputs)
        chatbot.example_select(pick_example, None, box).then(respond, ask_inputs, ask_outputs)
        show.change(lambda a, s: sources_html(a, s) if a else gr.update(), [last_answer, show], sources)
        clear.click(lambda: ([], [], sources_html(None), None), None, [chatbot, questions, sources, last_answer])
        add.click(upload, files, [upload_status, table, chosen, files])
        add_urls.click(
            lambda text: (_add_urls(service, text), *_documents_table(service)), urls, [urls_status, table, chosen]
        )
        remove.click(delete, chosen, [delete_status, table, chosen])
        page.load(lambda: _documents_table(service), None, [table, chosen])
        page.load(lambda: _facts_table(service), None, facts)
        refresh_facts.click(lambda: _facts_table(service), None, facts)
    return page
