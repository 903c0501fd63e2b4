"""Optional LLM-judged faithfulness and relevancy of the eval's answers (llama-index evaluators).

Runs only when a judge endpoint is configured (``ASSISTANT_JUDGE_BASE_URL`` or ``--judge-url``); the
main numbers never depend on it. The judge is any OpenAI-compatible chat endpoint, reached through
the project's own ``OpenAIGenerator`` (same timeouts and error messages) wrapped as a llama-index
``CustomLLM``: the ``llama-index-llms-openai`` integration pins ``openai<3``, older than the client
this project uses.

What is judged: each answer that is not an abstention, against the sentences it cites (the
evidence the user is shown), so "faithful" means "supported by its own citations". Naive-baseline
answers cite nothing and are not judged.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from llama_index.core.evaluation import FaithfulnessEvaluator, RelevancyEvaluator
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import PrivateAttr
from tqdm import tqdm

from assistant.answer.llm import OpenAIGenerator
from assistant.errors import AssistantError

log = logging.getLogger(__name__)

CITATION_MARK = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True)
class JudgeConfig:
    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0
    max_tokens: int = 64


class ChatEndpointLLM(CustomLLM):
    """A llama-index LLM over one OpenAI-compatible chat endpoint: each prompt is one user message."""

    model_name: str = "judge"
    context_window: int = 4096
    num_output: int = 64
    _endpoint: OpenAIGenerator = PrivateAttr()

    def __init__(self, endpoint: OpenAIGenerator, **kwargs: Any) -> None:
        super().__init__(model_name=endpoint.model, num_output=endpoint.max_tokens, **kwargs)
        self._endpoint = endpoint

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name=self.model_name, context_window=self.context_window, num_output=self.num_output)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self._endpoint.complete([{"role": "user", "content": prompt}]))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        text = self._endpoint.complete([{"role": "user", "content": prompt}])

        def one_piece() -> CompletionResponseGen:
            yield CompletionResponse(text=text, delta=text)

        return one_piece()


@dataclass
class Verdict:
    faithful: bool | None = None
    relevant: bool | None = None
    error: str | None = None


class Judge:
    def __init__(self, config: JudgeConfig) -> None:
        self.config = config
        endpoint = OpenAIGenerator(
            config.base_url, config.api_key, config.model, timeout_s=config.timeout_s, max_tokens=config.max_tokens
        )
        llm = ChatEndpointLLM(endpoint)
        self.faithfulness = FaithfulnessEvaluator(llm=llm)
        self.relevancy = RelevancyEvaluator(llm=llm)

    def judge(self, question: str, answer: str, quotes: list[str]) -> Verdict:
        """Both verdicts for one answer; an endpoint failure is recorded, not raised."""
        response = CITATION_MARK.sub("", answer).strip()
        try:
            faithful = self.faithfulness.evaluate(query=question, response=response, contexts=quotes)
            relevant = self.relevancy.evaluate(query=question, response=response, contexts=quotes)
        except AssistantError as err:
            log.warning("judge failed on %r: %s", question, err)
            return Verdict(error=str(err))
        return Verdict(faithful=bool(faithful.passing), relevant=bool(relevant.passing))


def judgeable(abstained: bool, error: str | None, quotes: list[str]) -> bool:
    return not abstained and error is None and bool(quotes)


def summarise_verdicts(verdicts: Iterable[Verdict], model: str) -> dict[str, Any]:
    items = list(verdicts)
    done = [v for v in items if v.error is None]
    return {
        "model": model,
        "judged": len(done),
        "errors": len(items) - len(done),
        "faithfulness": statistics.fmean(bool(v.faithful) for v in done) if done else None,
        "relevancy": statistics.fmean(bool(v.relevant) for v in done) if done else None,
    }


def judge_all(judge: Judge, items: list[tuple[str, str, list[str]]], desc: str) -> list[Verdict]:
    """Judge ``(question, answer, quotes)`` triples with a progress bar; stops asking after three
    endpoint failures in a row (the endpoint is down: the rest are recorded as not judged)."""
    verdicts: list[Verdict] = []
    failures = 0
    for question, answer, quotes in tqdm(items, desc=desc, unit="q"):
        if failures >= 3:
            verdicts.append(Verdict(error="not judged: the judge failed three times in a row"))
            continue
        verdict = judge.judge(question, answer, quotes)
        failures = failures + 1 if verdict.error else 0
        verdicts.append(verdict)
    return verdicts
