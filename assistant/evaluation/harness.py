"""`assistant eval`: index a corpus into a fresh collection, answer every gold question with each
generator (and the naive baseline), score, and write predictions, report.json, report.md and plots.

Over 350 lines because it holds the whole run in one place (retrieval metrics, one prediction per
question, the summary, the run and its CLI); splitting the retrieval metrics and the summary into
modules of their own is the next step.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.answer.abstention import looks_like_abstention
from assistant.config import Settings
from assistant.errors import AssistantError, ConfigError
from assistant.evaluation.gold import GoldQuestion, in_split, load_gold
from assistant.evaluation.judge import Judge, JudgeConfig, judge_all, judgeable, summarise_verdicts
from assistant.evaluation.metrics import answer_contains, score_answer
from assistant.news.table_answers import TABLE_GENERATOR
from assistant.pipeline import Assistant
from assistant.query.query import Query, parse_query
from assistant.retrieval.hybrid import HybridRetriever, cap_per_file, reciprocal_rank_fusion
from assistant.retrieval.rerank import pool_size, rerank
from assistant.types import ScoredChunk

log = logging.getLogger(__name__)

# "gated": the pipeline's own ``retrieve`` (relevance floor and anchors) without the asking day;
# "+as_of" is the same path with it, so the two differ only in the date rules.
RETRIEVAL_MODES = ("dense", "bm25", "fused", "fused+rerank", "gated", "gated+as_of")
MAX_K = 10


@dataclass
class Prediction:
    id: str
    generator: str
    type: str
    question: str
    answer: str
    short_answer: str | None
    citations: list[str]
    quotes: list[str]
    abstained: bool
    correct: bool
    f1: float | None
    cites_gold_source: bool | None
    quotes_containing_answer: int
    citations_to_unretrieved: int
    retrieve_ms: float
    generate_ms: float
    total_ms: float
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    category: str | None = None
    from_table: bool = False
    judge_faithful: bool | None = None  # None: not judged (no judge, abstained, or the judge failed)
    judge_relevant: bool | None = None
    judge_error: str | None = None
    outcome: str = ""  # "correct", "wrong" or "abstained" (see metrics.score_answer)
    draft: str | None = None  # an LLM generator's answer before grounding
    draft_correct: bool | None = None  # that draft, scored as if it had been shown
    prompt_tokens: int | None = 0  # sent to an LLM for this answer: 0 when none was asked, None when unreported

    def __post_init__(self) -> None:
        if not self.outcome:  # a row built without one (an older caller): the same rule as score_answer
            abstained = self.abstained and self.type != "unanswerable"
            self.outcome = "correct" if self.correct else "abstained" if abstained else "wrong"


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _file_ranking(hits: list[ScoredChunk]) -> list[str]:
    return [h.chunk.file for h in hits]


def _pipeline_hits(retriever: HybridRetriever, query: Query, top_k: int) -> list[ScoredChunk]:
    found = retriever.retrieve(query, top_k=pool_size(top_k), per_file=retriever.per_file * 2)
    return rerank(query, found.chunks, MAX_K, per_file=retriever.per_file)


def retrieval_metrics(bot: Assistant, questions: list[GoldQuestion], top_k: int) -> dict[str, Any]:
    """Hit rate, recall@k and MRR against gold sources for each of ``RETRIEVAL_MODES``."""
    rankings: dict[str, list[tuple[list[str], set[str]]]] = {m: [] for m in RETRIEVAL_MODES}
    retriever = bot.retriever
    for q in questions:
        if q.type == "unanswerable" or not q.sources:
            continue
        gold = set(q.sources)
        dense = retriever.dense(q.question, retriever.candidates)
        bm25 = retriever.bm25(q.question, retriever.candidates)
        fused = reciprocal_rank_fusion([dense, bm25])
        pool = cap_per_file(fused, pool_size(top_k), retriever.per_file * 2)  # the pipeline's pool
        reranked = rerank(parse_query(q.question), pool, MAX_K, per_file=retriever.per_file)
        # The pipeline's own path, without and with the question's asking day (later articles
        # dropped, the period the question names favoured: retrieval/dates.py).
        gated, dated = (_pipeline_hits(retriever, parse_query(q.question, day), top_k) for day in (None, q.as_of))
        for mode, hits in zip(RETRIEVAL_MODES, (dense, bm25, fused, reranked, gated, dated), strict=True):
            rankings[mode].append((_file_ranking(hits)[:MAX_K], gold))
    out: dict[str, Any] = {}
    for mode, items in rankings.items():
        recall_at = []
        for k in range(1, MAX_K + 1):
            recall_at.append(statistics.fmean(len(gold & set(files[:k])) / len(gold) for files, gold in items))
        hit5 = statistics.fmean(1.0 if gold & set(files[:5]) else 0.0 for files, gold in items)
        mrr = statistics.fmean(
            next((1.0 / (i + 1) for i, f in enumerate(files) if f in gold), 0.0) for files, gold in items
        )
        out[mode] = {"recall_at_k": recall_at, "recall@5": recall_at[4], "hit@5": hit5, "mrr": mrr, "n": len(items)}
    return out


def predict(bot: Assistant, q: GoldQuestion, generator: str) -> Prediction:
    try:
        if q.history:
            answer = bot.chat([*q.history, {"role": "user", "content": q.question}], generator=generator, as_of=q.as_of)
        else:
            answer = bot.ask(q.question, generator=generator, as_of=q.as_of)
    except AssistantError as err:
        return Prediction(
            q.id,
            generator,
            q.type,
            q.question,
            "",
            None,
            [],
            [],
            True,
            q.type == "unanswerable",
            None,
            None,
            0,
            0,
            0.0,
            0.0,
            0.0,
            error=str(err),
            category=q.category,
            outcome="correct" if q.type == "unanswerable" else "abstained",
        )
    score = score_answer(q, answer.text, answer.abstained, len(answer.citations))
    retrieved = {s.chunk.id for s in answer.sources}
    cited_files = answer.cited_files
    return Prediction(
        id=q.id,
        # A table answer is filed under the generator that was asked for (``from_table`` marks it).
        generator=generator if answer.generator == TABLE_GENERATOR else answer.generator,
        type=q.type,
        question=q.question,
        answer=answer.text,
        short_answer=answer.short_answer,
        citations=cited_files,
        quotes=[c.quote for c in answer.citations],
        abstained=answer.abstained,
        correct=score.correct,
        f1=score.f1,
        cites_gold_source=(bool(set(cited_files) & set(q.sources)) if q.type != "unanswerable" else None),
        quotes_containing_answer=sum(answer_contains(q, c.quote) for c in answer.citations),
        citations_to_unretrieved=sum(c.chunk_id not in retrieved for c in answer.citations),
        retrieve_ms=answer.timings.retrieve * 1000,
        generate_ms=answer.timings.generate * 1000,
        total_ms=answer.timings.total * 1000,
        notes=list(answer.notes),
        category=q.category,
        from_table=answer.generator == TABLE_GENERATOR,
        outcome=score.outcome,
        draft=answer.draft,
        draft_correct=(
            score_answer(q, answer.draft, looks_like_abstention(answer.draft), 1).correct if answer.draft else None
        ),
        prompt_tokens=answer.prompt_tokens,
    )


def judge_predictions(judge: Judge, rows: list[Prediction], name: str) -> dict[str, Any]:
    """LLM-judged faithfulness (to its own quotes) and relevancy of each answer that did not abstain."""
    chosen = [p for p in rows if judgeable(p.abstained, p.error, p.quotes)]
    verdicts = judge_all(judge, [(p.question, p.answer, p.quotes) for p in chosen], f"judge {name}")
    for p, verdict in zip(chosen, verdicts, strict=True):
        p.judge_faithful, p.judge_relevant, p.judge_error = verdict.faithful, verdict.relevant, verdict.error
    return summarise_verdicts(verdicts, judge.config.model)


def summarise(predictions: list[Prediction]) -> dict[str, Any]:
    """Accuracy overall and by type, citation quality, latency percentiles."""
    answerable = [p for p in predictions if p.type != "unanswerable"]
    unanswerable = [p for p in predictions if p.type == "unanswerable"]
    correct_answerable = [p for p in answerable if p.correct]
    citations_total = sum(len(p.quotes) for p in answerable)
    by_type: dict[str, Any] = {}
    for qtype in sorted({p.type for p in predictions}):
        group = [p for p in predictions if p.type == qtype]
        entry: dict[str, Any] = {"n": len(group), "accuracy": statistics.fmean(p.correct for p in group)}
        f1s = [p.f1 for p in group if p.f1 is not None]
        if f1s:
            entry["mean_f1"] = statistics.fmean(f1s)
        by_type[qtype] = entry
    by_category: dict[str, Any] = {}
    for category in sorted({p.category for p in predictions if p.category}):
        group = [p for p in predictions if p.category == category]
        by_category[category] = {"n": len(group), "accuracy": statistics.fmean(p.correct for p in group)}
    latency = {
        stage: {
            "p50": _percentile([getattr(p, f"{stage}_ms") for p in predictions if not p.error], 50),
            "p95": _percentile([getattr(p, f"{stage}_ms") for p in predictions if not p.error], 95),
        }
        for stage in ("retrieve", "generate", "total")
    }
    n = len(predictions)
    outcomes = {o: sum(p.outcome == o for p in predictions) for o in ("correct", "wrong", "abstained")}
    return {
        "n": n,
        "accuracy": statistics.fmean(p.correct for p in predictions) if predictions else 0.0,
        # Correct, wrong and abstained apart: a wrong answer costs more than an abstention, so the
        # score is (correct - wrong) / n, CRAG's convention.
        "outcomes": outcomes,
        "correct_rate": outcomes["correct"] / n if n else 0.0,
        "wrong_rate": outcomes["wrong"] / n if n else 0.0,
        "abstain_rate": outcomes["abstained"] / n if n else 0.0,
        "score": (outcomes["correct"] - outcomes["wrong"]) / n if n else 0.0,
        # An LLM draft that would have been right, but that grounding rejected (the shown answer is not).
        "right_drafts_rejected": sum(bool(p.draft_correct) and not p.correct for p in predictions),
        "drafts_right": sum(bool(p.draft_correct) for p in predictions),
        "answerable_accuracy": statistics.fmean(p.correct for p in answerable) if answerable else None,
        "by_type": by_type,
        "by_category": by_category,
        "answered_from_table": sum(p.from_table for p in predictions),
        "abstention_on_unanswerable": statistics.fmean(p.abstained for p in unanswerable) if unanswerable else None,
        "abstention_with_zero_citations": (
            statistics.fmean(p.abstained and not p.citations for p in unanswerable) if unanswerable else None
        ),
        "false_abstentions": sum(p.abstained for p in answerable),
        "correct_citing_gold_source": (
            statistics.fmean(bool(p.cites_gold_source) for p in correct_answerable) if correct_answerable else None
        ),
        "quotes_containing_answer": (
            sum(p.quotes_containing_answer for p in answerable) / citations_total if citations_total else None
        ),
        "citations_to_unretrieved": sum(p.citations_to_unretrieved for p in predictions),
        "errors": sum(p.error is not None for p in predictions),
        "fallbacks": sum("->" in p.generator for p in predictions),
        "latency_ms": latency,
        "prompt_tokens": prompt_token_summary(predictions),
    }


def prompt_token_summary(predictions: list[Prediction]) -> dict[str, Any]:
    """Prompt tokens sent to a model: the mean per question (0 for an answer no model wrote), the p50
    per model call, and how many calls the server gave no count for (left out of both)."""
    counted = [p.prompt_tokens for p in predictions if p.prompt_tokens is not None]
    calls = [float(t) for t in counted if t > 0]
    return {
        "mean_per_question": statistics.fmean(counted) if counted else None,
        "p50_per_call": _percentile(calls, 50) if calls else None,
        "calls": len(calls),
        "unreported": sum(p.prompt_tokens is None for p in predictions),
    }


def on_questions(rows: list[Prediction]) -> dict[str, Any]:
    """The side-by-side figures of some predictions: outcomes, score, p50 latency, prompt tokens."""
    summary = summarise(rows)
    return {
        "n": summary["n"],
        "outcomes": summary["outcomes"],
        "score": summary["score"],
        "p50_total_ms": summary["latency_ms"]["total"]["p50"],
        "prompt_tokens": summary["prompt_tokens"],
    }


def baseline_llm(generators: list[str]) -> str:
    """The generator whose model the naive baseline runs on: the endpoint under test when ``openai`` is
    scored (same URL, model and chat template: the comparison a user would make), else the local model."""
    return "openai" if "openai" in generators else "local"


def describe_llm(bot: Assistant, name: str) -> str:
    from assistant.answer.llm import OpenAIGenerator

    llm = bot.generator(name)
    if isinstance(llm, OpenAIGenerator):
        return f"openai: {llm.model} at {llm.base_url or 'the OpenAI API'}"
    return f"{name}: {getattr(llm, 'model_path', '')}".rstrip(": ")


def run_baseline(
    bot: Assistant, corpus: Path, workdir: Path, questions: list[GoldQuestion], llm_name: str = "local"
) -> list[Prediction]:
    from assistant.answer.base import ChatModel
    from assistant.evaluation.baseline import NaiveBaseline

    llm = bot.generator(llm_name)
    if not isinstance(llm, ChatModel):
        raise ConfigError(f"The {llm_name} generator cannot run the naive baseline: it has no plain chat.")
    baseline = NaiveBaseline(corpus, workdir / "naive-chroma", bot.embedder, llm)
    out = []
    for q in tqdm(questions, desc="naive baseline", unit="q"):
        started = time.perf_counter()
        result = baseline.ask(q.question)
        score = score_answer(q, result.text, result.abstained, 0 if result.abstained else len(result.files))
        out.append(
            Prediction(
                id=q.id,
                generator=baseline.name,
                type=q.type,
                question=q.question,
                answer=result.text,
                short_answer=None,
                citations=[],
                quotes=[],
                abstained=result.abstained,
                correct=score.correct,
                f1=score.f1,
                cites_gold_source=None,
                quotes_containing_answer=0,
                citations_to_unretrieved=0,
                retrieve_ms=result.retrieve_s * 1000,
                generate_ms=result.generate_s * 1000,
                total_ms=(time.perf_counter() - started) * 1000,
                category=q.category,
                outcome=score.outcome,
                prompt_tokens=result.prompt_tokens,
            )
        )
    return out


def stratified_sample(questions: list[GoldQuestion], n: int) -> list[GoldQuestion]:
    """About ``n`` questions with every type in proportion, the first of each type in file order
    (deterministic); all of them when ``n`` is 0 or not smaller."""
    if n <= 0 or n >= len(questions):
        return questions
    by_type: dict[str, list[GoldQuestion]] = {}
    for q in questions:
        by_type.setdefault(q.type, []).append(q)
    chosen = {q.id for group in by_type.values() for q in group[: max(1, round(n * len(group) / len(questions)))]}
    return [q for q in questions if q.id in chosen]


def run_eval(
    gold_path: Path,
    corpus: Path,
    out: Path,
    generators: list[str],
    settings: Settings,
    baseline: bool = True,
    limit: int | None = None,
    baseline_questions: int = 0,
    compare: Path | None = None,
    judge: JudgeConfig | None = None,
    split: str = "all",
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Run everything and write the report; returns the report dict.

    ``split``: "tune" (ids ending in an even digit), "report" (odd) or "all". ``workdir``: where
    the eval's index lives and stays (a later run only skips unchanged files); default: a folder
    inside ``out`` that is removed afterwards.
    """
    started = time.perf_counter()
    questions = in_split(load_gold(gold_path), split)[:limit]
    if not corpus.is_dir():
        raise ConfigError(f"The corpus folder {corpus} does not exist.")
    missing = sorted({s for q in questions for s in q.sources} - {p.name for p in corpus.iterdir()})
    if missing:
        raise ConfigError(f"The gold file cites files that are not in {corpus}: {', '.join(missing[:5])}.")
    out.mkdir(parents=True, exist_ok=True)
    keep = workdir is not None
    workdir = workdir or out / "work"
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    eval_settings = settings.model_copy(
        update={"data_dir": workdir / "chroma", "collection": "eval", "chroma_host": None}
    )
    bot = Assistant(eval_settings)
    # A kept workdir may hold files of an earlier corpus: prune them, so only this corpus is searched.
    ingest_report = bot.ingest(corpus, prune=keep, progress=True)
    retrieval = retrieval_metrics(bot, questions, eval_settings.top_k)
    predictions: list[Prediction] = []
    summaries: dict[str, Any] = {}
    judging = Judge(judge) if judge is not None else None  # one judge (and its evaluators) for every generator
    for name in generators:
        rows = [predict(bot, q, name) for q in tqdm(questions, desc=f"eval {name}", unit="q")]
        predictions.extend(rows)
        summaries[name] = summarise(rows)
        if judging is not None:
            summaries[name]["judge"] = judge_predictions(judging, rows, name)
    llms: dict[str, str] = {}
    for name in generators:
        if name != "extractive":
            llms[name] = describe_llm(bot, name)
            summaries[name]["model"] = llms[name]
            output = getattr(bot.generator(name), "output_format", None)
            if output is not None:
                summaries[name]["output_format"] = output  # what the server accepted (structured.py)
    if baseline:
        sample = stratified_sample(questions, baseline_questions)
        llm_name = baseline_llm(generators)
        rows = run_baseline(bot, corpus, workdir, sample, llm_name)
        predictions.extend(rows)
        summaries["naive-llamaindex"] = summarise(rows)
        summaries["naive-llamaindex"]["model"] = llms.get(llm_name) or describe_llm(bot, llm_name)
        # The baseline may see a subset (it is slow: two 1024-token chunks per prompt); each
        # generator's figures on that same subset stand beside it, so the comparison is fair.
        ids = {q.id for q in sample}
        for name in generators:
            same = [p for p in predictions if p.generator.split("->")[0] == name and p.id in ids]
            summaries[name]["accuracy_on_baseline_questions"] = statistics.fmean(p.correct for p in same)
            summaries[name]["score_on_baseline_questions"] = summarise(same)["score"]
            summaries[name]["on_baseline_questions"] = on_questions(same)
    report = {
        "gold": str(gold_path),
        "split": split,
        "corpus": str(corpus),
        "questions": len(questions),
        "baseline_questions": len(stratified_sample(questions, baseline_questions)) if baseline else 0,
        "baseline_model": summaries["naive-llamaindex"]["model"] if baseline else None,
        "ingest": {"chunks": ingest_report.chunks_written, "seconds": ingest_report.seconds},
        "settings": {
            "top_k": eval_settings.top_k,
            "chunk_size": eval_settings.chunk_size,
            "chunk_overlap": eval_settings.chunk_overlap,
            "min_dense_score": eval_settings.min_dense_score,
        },
        "generators": summaries,
        "retrieval": retrieval,
        "seconds": time.perf_counter() - started,
    }
    if compare is not None:
        report["compare"] = _earlier_run(compare, questions)
    with (out / "predictions.jsonl").open("w", encoding="utf-8") as handle:
        for p in predictions:
            handle.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    (out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    from assistant.evaluation.report import write_markdown, write_plots

    write_plots(report, predictions, out)
    write_markdown(report, predictions, out)
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def _earlier_run(path: Path, questions: list[GoldQuestion]) -> dict[str, Any]:
    """Accuracy per generator and category of an earlier run's predictions, for "before" columns.

    Rescored against today's gold lines, so a gold change does not pass for a system change.
    """
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as err:
        raise ConfigError(f"Cannot read earlier predictions {path}.") from err
    by_id = {q.id: q for q in questions}
    out: dict[str, Any] = {"source": str(path), "generators": {}}
    for name in dict.fromkeys(str(r["generator"]).split("->")[0] for r in rows):
        scored = []
        for row in rows:
            gold = by_id.get(row["id"])
            if gold is None or str(row["generator"]).split("->")[0] != name:
                continue
            score = score_answer(gold, row["answer"], row["abstained"], len(row.get("quotes", [])))
            scored.append((gold.category, score.correct))
        categories = sorted({c for c, _ in scored if c})
        out["generators"][name] = {
            "n": len(scored),
            "accuracy": statistics.fmean(ok for _, ok in scored) if scored else None,
            "by_category": {
                c: {
                    "n": sum(1 for k, _ in scored if k == c),
                    "accuracy": statistics.fmean(ok for k, ok in scored if k == c),
                }
                for c in categories
            },
        }
    return out


def default_generators(settings: Settings) -> list[str]:
    names = ["extractive", "local"]
    if settings.openai_base_url or settings.openai_api_key:
        names.append("openai")
    return names


def judge_config(settings: Settings) -> JudgeConfig | None:
    if not settings.judge_base_url:
        return None
    return JudgeConfig(
        settings.judge_base_url, settings.judge_model, settings.judge_api_key, timeout_s=2 * settings.llm_timeout_s
    )


def run_eval_cli(args: argparse.Namespace, settings: Settings) -> int:
    generators = args.generator or default_generators(settings)
    report = run_eval(
        args.gold,
        args.corpus,
        args.out,
        generators,
        settings,
        not args.no_baseline,
        args.limit,
        args.baseline_questions,
        args.compare,
        judge_config(settings),
        # getattr: callers that build their own Namespace (scripts, tests) may leave these out.
        split=getattr(args, "split", None) or "all",
        workdir=getattr(args, "workdir", None),
    )
    for name, summary in report["generators"].items():
        abstention = summary["abstention_on_unanswerable"] or 0.0
        p50 = summary["latency_ms"]["total"]["p50"]
        counts = summary["outcomes"]
        line = (
            f"{name:>18}: accuracy {summary['accuracy']:.1%}  correct {counts['correct']} wrong {counts['wrong']} "
            f"abstained {counts['abstained']}  score {summary['score']:+.1%}  abstention (unans.) {abstention:.0%}  "
            f"p50 {p50:.0f} ms"
        )
        tokens = summary.get("prompt_tokens", {})
        if tokens.get("calls"):
            per_call, per_question = tokens["p50_per_call"], tokens["mean_per_question"]
            line += f"  prompt tokens p50 {per_call:.0f} a call, {per_question:.0f} a question"
        elif tokens.get("unreported"):
            line += f"  prompt tokens not reported ({tokens['unreported']} calls)"
        if summary.get("drafts_right"):
            line += f"  right drafts rejected by grounding {summary['right_drafts_rejected']}/{summary['drafts_right']}"
        if summary.get("judge", {}).get("judged"):
            verdicts = summary["judge"]
            line += f"  judged faithful {verdicts['faithfulness']:.0%}, relevant {verdicts['relevancy']:.0%}"
        print(line)
    print(f"report: {args.out / 'report.md'}")
    return 0
