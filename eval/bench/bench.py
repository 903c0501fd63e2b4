"""`python eval/bench/bench.py` (formerly `assistant bench`): ingestion against the embedding model's own speed,
query latency, memory and disk.

One run indexes the five shipped articles (the needles the gold questions ask about) plus the first
N articles of the benchmark corpus (the haystack) into a fresh index of its own, in three child
processes so that each has its own peak RSS:

1. ingest: the corpus in slices; for each slice the bare ``encode()`` of the same chunk texts (same
   batch size) and the real ``Assistant.ingest`` of the slice's files are timed back to back, in
   alternating order, so both see the same machine load. Then a second ingest of the unchanged corpus.
2. naive: LlamaIndex's defaults (SentenceSplitter 1024/200, top-k 2) index the same files.
3. serve: a fresh ``Assistant`` on the index answers gold questions: retrieval only (dense, BM25,
   fused), end to end per generator, then the naive pipeline and the local generator question by
   question, interleaved.

Every figure that compares two things is measured side by side in the same run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.retrieval.hybrid import RetrievalMode

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]  # the checkout: eval/bench/bench.py
DEFAULT_CORPUS = ROOT.parent / "shared" / "bench" / "news_articles.jsonl.gz"
SHIPPED = ROOT / "index" / "articles"
GOLD = ROOT / "eval" / "gold" / "gold.jsonl"
RETRIEVAL_MODES: tuple[RetrievalMode, ...] = ("dense", "bm25", "fused")


@dataclass(frozen=True)
class BenchConfig:
    """One benchmark run: ``articles`` haystack articles beside the shipped ones."""

    articles: int
    workdir: Path
    settings: dict[str, Any] = field(default_factory=dict)  # Settings overrides (backend, chunk size)
    corpus: Path = DEFAULT_CORPUS
    shipped: Path = SHIPPED
    gold: Path = GOLD
    questions: int = 20
    llm_questions: int = 8  # the local model and the naive pipeline take seconds per question
    generators: tuple[str, ...] = ("extractive", "local")
    naive: bool = True
    slices: int = 10
    raw_fraction: float = 0.1  # raw encode a sample of each slice: a ratio, not a second full encode

    @property
    def articles_dir(self) -> Path:
        return self.workdir / "articles"

    def make_settings(self) -> Settings:
        return Settings(**{**self.settings, "data_dir": self.workdir / "index"})


# -- small measurements ---------------------------------------------------------------------
def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentiles(values_ms: list[float]) -> dict[str, float]:
    if not values_ms:
        return {"p50": 0.0, "p95": 0.0, "n": 0}
    p95 = statistics.quantiles(values_ms, n=20, method="inclusive")[18] if len(values_ms) > 1 else values_ms[0]
    return {"p50": statistics.median(values_ms), "p95": p95, "n": len(values_ms)}


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def time_each(fn: Callable[[str], Any], texts: list[str]) -> list[float]:
    """Milliseconds of ``fn(text)`` for each text."""
    return [timed(lambda text=text: fn(text))[0] * 1000 for text in texts]  # type: ignore[misc]


def dir_mb(path: Path, skip: tuple[str, ...] = ()) -> float:
    total = 0
    for item in path.rglob("*"):
        if item.is_file() and not any(part in skip for part in item.relative_to(path).parts):
            total += item.stat().st_size
    return total / 2**20


# -- corpus ---------------------------------------------------------------------------------
def iter_corpus(path: Path, limit: int) -> Iterator[dict[str, str]]:
    """The first ``limit`` records of the JSONL(.gz) benchmark corpus."""
    if limit <= 0:
        return
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for count, line in enumerate(lines):
            if count >= limit:
                return
            yield json.loads(line)


def record_to_text(record: dict[str, str]) -> str:
    """An article file as a user would have it: front matter (title, date, URL), then the body."""
    date = (record.get("date") or "").replace("/", "-")
    head = [f"title: {' '.join(record.get('title', '').split())}", f"date: {date}", f"url: {record.get('url', '')}"]
    return "---\n" + "\n".join(head) + "\n---\n" + record["text"].strip() + "\n"


def materialize(config: BenchConfig) -> list[Path]:
    """Write the shipped articles and the first N corpus articles as .txt files; returns them sorted."""
    target = config.articles_dir
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(config.shipped.glob("*.txt")):
        shutil.copy(path, target / path.name)
    for record in iter_corpus(config.corpus, config.articles):
        (target / f"{record['id']}.txt").write_text(record_to_text(record), encoding="utf-8")
    return sorted(target.glob("*.txt"))


def slices_of(files: list[Path], count: int) -> list[list[Path]]:
    size = max(1, -(-len(files) // max(1, count)))
    return [files[i : i + size] for i in range(0, len(files), size)]


# -- phase 0: load (and for ONNX, export) the embedding model -------------------------------
def prepare_phase(config: BenchConfig) -> dict[str, Any]:
    """Export the ONNX model if needed, in its own process, so ingest's peak RSS does not include it."""
    from assistant.pipeline import Assistant

    seconds, _ = timed(lambda: Assistant(config.make_settings()).embedder.load())
    return {"embedder_load_s": seconds, "embedder_load_rss_mb": peak_rss_mb()}


# -- phase 1: ingest against raw encode ----------------------------------------------------
def chunk_texts(files: list[Path], settings: Settings) -> list[str]:
    """The exact texts ``Assistant._write`` embeds for these files."""
    from assistant.ingest.chunking import ChunkSettings, chunk_article
    from assistant.ingest.readers import read_article

    chunk_settings = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
    texts: list[str] = []
    for path in files:
        for c in chunk_article(read_article(path, settings.max_file_bytes), chunk_settings):
            texts.append(f"{c.title}\n{c.text}" if c.title else c.text)
    return texts


def ingest_phase(config: BenchConfig) -> dict[str, Any]:
    """Ingest slice by slice, each beside the bare encode of its chunks; then re-ingest everything."""
    from tqdm import tqdm

    from assistant.pipeline import Assistant

    settings = config.make_settings()
    files = sorted(config.articles_dir.glob("*.txt"))
    bot = Assistant(settings)
    bot.embedder.load()  # model load (and ONNX export) is not ingest time
    spent = {"embed": 0.0, "chroma_write": 0.0}
    # ``replace_article`` goes through ``replace_articles`` too: timing that one counts every write once.
    embed, write = bot.embedder.embed_texts, bot.store.replace_articles

    def timed_embed(texts: list[str]) -> list[list[float]]:
        seconds, out = timed(lambda: embed(texts))
        spent["embed"] += seconds
        return out

    def timed_write(items: Any) -> None:
        seconds, _ = timed(lambda: write(items))
        spent["chroma_write"] += seconds

    bot.embedder.embed_texts = timed_embed  # type: ignore[method-assign]
    bot.store.replace_articles = timed_write  # type: ignore[method-assign]
    spent["nlp"] = 0.0
    _time_nlp(spent)
    ingest_s = raw_s = 0.0
    chunks = raw_chunks = 0
    progress = tqdm(slices_of(files, config.slices), desc="ingest vs encode", unit="slice")
    for index, group in enumerate(progress):
        texts = chunk_texts(group, settings)
        # Every n-th chunk, not the first few articles': chunk lengths (hence encode cost) vary by article.
        sample = texts[:: max(1, round(1 / config.raw_fraction))] if config.raw_fraction < 1 else texts

        def raw(sample: list[str] = sample) -> None:
            bot.embedder.raw_encode(sample)

        def real(group: list[Path] = group) -> Any:
            return bot.ingest(*group, progress=False)

        if index % 2 == 0:
            raw_seconds, _ = timed(raw)
            ingest_seconds, report = timed(real)
        else:
            ingest_seconds, report = timed(real)
            raw_seconds, _ = timed(raw)
        ingest_s += ingest_seconds
        raw_s += raw_seconds
        raw_chunks += len(sample)
        chunks += report.chunks_written
        # The running figures, so a long run that is stopped early still says something.
        progress.set_postfix(chunks=chunks, overhead=f"{ingest_s / (chunks / (raw_chunks / raw_s)) - 1:+.1%}")
    reingest_s, again = timed(lambda: bot.ingest(config.articles_dir, progress=False))
    raw_rate = raw_chunks / raw_s
    index_mb = dir_mb(settings.data_dir, skip=("embed_cache",))
    return {
        "articles": len(files),
        "chunks": chunks,
        "ingest_s": ingest_s,
        "ingest_chunks_per_s": chunks / ingest_s,
        "ingest_articles_per_s": len(files) / ingest_s,
        "raw_encode_chunks_per_s": raw_rate,
        "raw_encode_articles_per_s": raw_rate * len(files) / chunks,
        "raw_encode_sampled_chunks": raw_chunks,
        "ingest_overhead": ingest_s / (chunks / raw_rate) - 1,
        # The same, with the embedding time measured inside the ingest itself: immune to the encode
        # speed drifting between the raw and the real run, it is what the pipeline adds around it.
        "non_embed_overhead": (ingest_s - spent["embed"]) / spent["embed"],
        "ingest_breakdown_s": {
            "embed": spent["embed"],
            "chroma_write": spent["chroma_write"],
            "read_chunk_bookkeeping": ingest_s - spent["embed"] - spent["chroma_write"] - spent["nlp"],
            # spaCy's recogniser and dateparser, inside the facts extraction and date reading
            "nlp": spent["nlp"],
        },
        "nlp_share_of_ingest": spent["nlp"] / ingest_s,
        "reingest_s": reingest_s,
        "reingest_fraction": reingest_s / ingest_s,
        "reingest_unchanged": len(again.unchanged),
        "reingest_chunks_written": again.chunks_written,
        "ingest_rss_mb": peak_rss_mb(),
        "disk_mb": index_mb,
        "disk_mb_per_1000_articles": index_mb / len(files) * 1000,
        "corpus_text_mb": sum(p.stat().st_size for p in files) / 2**20,
    }


def _time_nlp(spent: dict[str, float]) -> None:
    """Count the seconds ingest spends in spaCy's recogniser and in dateparser into ``spent["nlp"]``."""
    from assistant.text import dates, nlp

    pipeline = nlp._pipeline()
    pipe, parsed = pipeline.pipe, dates._parsed_dates

    def timed_pipe(texts: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        seconds, docs = timed(lambda: list(pipe(texts, *args, **kwargs)))
        spent["nlp"] += seconds
        return iter(docs)

    def timed_parsed(*args: Any) -> Any:
        seconds, out = timed(lambda: parsed(*args))
        spent["nlp"] += seconds
        return out

    pipeline.pipe = timed_pipe
    dates._parsed_dates = timed_parsed  # type: ignore[assignment]


# -- phase 2: the naive LlamaIndex index ----------------------------------------------------
def naive_build_phase(config: BenchConfig) -> dict[str, Any]:
    from assistant.answer.llm import LocalGenerator
    from assistant.evaluation.baseline import NaiveBaseline
    from assistant.pipeline import Assistant

    settings = config.make_settings()
    embedder = Assistant(settings).embedder
    embedder.load()
    seconds, _ = timed(lambda: NaiveBaseline(config.articles_dir, config.workdir / "naive", embedder, LocalGenerator()))
    return {"naive_ingest_s": seconds, "naive_disk_mb": dir_mb(config.workdir / "naive")}


def open_naive(config: BenchConfig, embedder: Any, llm: Any) -> Any:
    """The naive pipeline over the index ``naive_build_phase`` wrote, without re-embedding it.

    ``NaiveBaseline.__init__`` always builds; here its ``ask`` is reused on the stored index.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from assistant.evaluation.baseline import NaiveBaseline

    client = chromadb.PersistentClient(
        path=str(config.workdir / "naive"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    store = ChromaVectorStore(chroma_collection=client.get_collection("naive_baseline"))
    baseline = NaiveBaseline.__new__(NaiveBaseline)
    baseline.index = VectorStoreIndex.from_vector_store(store, embed_model=embedder.llama_embedding)
    baseline.retriever = baseline.index.as_retriever(similarity_top_k=2)
    baseline.llm = llm
    return baseline


# -- phase 3: serving -----------------------------------------------------------------------
def _questions(config: BenchConfig) -> list[Any]:
    from assistant.evaluation.gold import load_gold

    gold = [q for q in load_gold(config.gold) if not q.history]
    return gold[: config.questions] if config.questions else gold


def serve_phase(config: BenchConfig) -> dict[str, Any]:
    """A fresh process on the built index: what a server holds and how fast it answers."""
    from assistant.evaluation.harness import retrieval_metrics
    from assistant.pipeline import Assistant

    settings = config.make_settings()
    questions = _questions(config)
    texts = [q.question for q in questions]
    bot = Assistant(settings)
    bot.embedder.embed_query("warm up")
    import bm25s  # noqa: F401  (the modules are not the index: import them before measuring)
    import Stemmer  # noqa: F401

    bot._open(create=False)
    before_bm25 = current_rss_mb()
    bm25_s, _ = timed(lambda: bot.retriever.refresh())
    bm25_mb = current_rss_mb() - before_bm25
    # What the BM25 side keeps: the bm25s score matrix (no text) and the chunk ids.
    index = bot.retriever._bm25
    arrays_mb = sum(v.nbytes for v in index.index.scores.values() if hasattr(v, "nbytes")) / 2**20 if index else 0.0
    chunk_text_mb = sum(len(c.text.encode()) for c in bot.store.iter_chunks()) / 2**20
    out: dict[str, Any] = {
        "bm25_build_s": bm25_s,
        "bm25_rss_mb": bm25_mb,
        "bm25_matrix_mb": arrays_mb,
        "bm25_chunk_ids": len(index.ids) if index else 0,
        "chunk_text_mb": chunk_text_mb,
        "questions": len(questions),
    }
    retrieval: dict[str, dict[str, float]] = {}
    for mode in RETRIEVAL_MODES:
        bot.retrieve(questions[0].question, mode=mode)
        retrieval[mode] = percentiles(time_each(partial(bot.retrieve, mode=mode), texts))
    out["retrieval_ms"] = retrieval
    out["retrieval_p50_ms"] = retrieval["fused"]["p50"]
    out["retrieval_p95_ms"] = retrieval["fused"]["p95"]
    quality = retrieval_metrics(bot, questions, settings.top_k)
    out["gold_retrieval"] = {m: {"recall@5": quality[m]["recall@5"], "mrr": quality[m]["mrr"]} for m in quality}
    answers: dict[str, dict[str, float]] = {}
    written: dict[str, dict[str, float]] = {}
    from_table: dict[str, int] = {}
    llm_texts = texts[: config.llm_questions]
    for name in config.generators:
        bot.ask(questions[0].question, generator=name)  # load the model once, untimed
        timed_texts = texts if name == "extractive" else llm_texts
        every, by_generator = [], []
        for text in timed_texts:
            seconds, answer = timed(partial(bot.ask, text, generator=name))
            every.append(seconds * 1000)
            if answer.generator != "facts-table":
                by_generator.append(seconds * 1000)
        answers[name] = percentiles(every)
        # Questions the crews-and-events table answers skip the generator (milliseconds): the
        # generator's own latency is the p50 of the others.
        written[name] = percentiles(by_generator)
        from_table[name] = len(every) - len(by_generator)
    out["answer_ms"] = answers
    out["answer_p50_ms"] = {name: v["p50"] for name, v in answers.items()}
    out["answer_by_generator_ms"] = written
    out["answered_from_table"] = from_table
    if "extractive" in config.generators and settings.reader:
        out["reader_side_by_side_ms"] = reader_side_by_side(bot, texts)
    out["serve_rss_mb"] = peak_rss_mb()  # before the naive pipeline is loaded beside it
    out["served_chunks"] = bot.store.count()  # after the timings: counting rows is not free
    out["serve_rss_after_warmup_mb"] = current_rss_mb()
    if config.naive and (config.workdir / "naive").exists():
        from assistant.answer.llm import LocalGenerator

        llm = bot.generator("local")
        assert isinstance(llm, LocalGenerator)
        naive = open_naive(config, bot.embedder, llm)
        naive.ask(questions[0].question)
        naive_ms, ours_ms = [], []
        for text in llm_texts:  # question by question, so both see the same machine load
            naive_ms += time_each(naive.ask, [text])
            ours_ms += time_each(partial(bot.ask, generator="local"), [text])
        out["naive_answer_ms"] = percentiles(naive_ms)
        out["naive_answer_p50_ms"] = out["naive_answer_ms"]["p50"]
        out["local_beside_naive_ms"] = percentiles(ours_ms)
    return out


def reader_side_by_side(bot: Any, texts: list[str]) -> dict[str, Any]:
    """The extractive answer with the trained reader and with the rules alone, question by question in
    alternating order so both see the same load; only questions the generator answers (not the table)."""
    from assistant.answer.extractive import ExtractiveGenerator
    from assistant.answer.registry import register_generator, unregister_generator

    register_generator("extractive-rules", lambda _settings: ExtractiveGenerator(reader=None))
    try:
        bot.ask(texts[0], generator="extractive-rules")
        times: dict[str, list[float]] = {"rules": [], "reader": []}
        for n, text in enumerate(texts):
            pair = [("reader", "extractive"), ("rules", "extractive-rules")]
            for label, name in pair if n % 2 else pair[::-1]:
                seconds, answer = timed(partial(bot.ask, text, generator=name))
                if answer.generator != "facts-table":
                    times[label].append(seconds * 1000)
    finally:
        unregister_generator("extractive-rules")
    out: dict[str, Any] = {label: percentiles(values) for label, values in times.items()}
    out["p50_ratio"] = out["reader"]["p50"] / out["rules"]["p50"] if times["rules"] else None
    return out


# -- orchestration --------------------------------------------------------------------------
def in_child(fn: Callable[[BenchConfig], dict[str, Any]], config: BenchConfig) -> dict[str, Any]:
    """Run one phase in a fresh process, so its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, config).result()


def run_header(config: BenchConfig) -> dict[str, Any]:
    """What a run's figures were measured with: index settings and the machine."""
    settings = config.make_settings()
    return {
        "embed_backend": settings.embed_backend,
        "embed_batch_size": settings.embed_batch_size,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }


def write_json(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")


def run_bench(config: BenchConfig) -> dict[str, Any]:
    files = materialize(config)
    log.info("bench corpus: %d files in %s", len(files), config.articles_dir)
    result: dict[str, Any] = {
        "haystack_articles": config.articles,
        "raw_fraction": config.raw_fraction,
        **run_header(config),
    }
    result.update(in_child(prepare_phase, config))
    result.update(in_child(ingest_phase, config))
    if config.naive:
        result.update(in_child(naive_build_phase, config))
    result.update(in_child(serve_phase, config))
    result.setdefault("naive_answer_p50_ms", None)
    return result


def run_serve_only(config: BenchConfig) -> dict[str, Any]:
    """The serving phase alone, on the index a ``--keep`` run left in ``config.workdir``."""
    from assistant.errors import ConfigError

    if not (config.workdir / "index").is_dir():
        raise ConfigError(
            f"{config.workdir} holds no bench index; build one with `python eval/bench/bench.py --keep --workdir`."
        )
    result: dict[str, Any] = {
        "serve_only": True,
        "articles": len(list(config.articles_dir.glob("*.txt"))),
        **run_header(config),
    }
    result.update(in_child(serve_phase, config))
    result["chunks"] = result["served_chunks"]
    result.setdefault("naive_answer_p50_ms", None)
    return result


def print_summary(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"bench: {result['articles']} articles, {result['chunks']} chunks ({result['embed_backend']})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = []
    if "ingest_s" in result:  # not in a --serve-only run
        rows += [
            ("ingest chunks/s", f"{result['ingest_chunks_per_s']:.1f}"),
            ("raw encode chunks/s (same chunks)", f"{result['raw_encode_chunks_per_s']:.1f}"),
            ("ingest overhead beyond embedding", f"{result['ingest_overhead']:+.1%}"),
            ("non-embedding share (ingest - embed) / embed", f"{result['non_embed_overhead']:+.1%}"),
            ("of which spaCy NER + dateparser, s", f"{result['ingest_breakdown_s']['nlp']:.1f}"),
            ("re-ingest / first ingest", f"{result['reingest_fraction']:.2%}"),
        ]
    for mode, values in result["retrieval_ms"].items():
        rows.append((f"retrieval {mode} p50 / p95 ms", f"{values['p50']:.0f} / {values['p95']:.0f}"))
    for name, values in result["answer_ms"].items():
        rows.append((f"answer {name} p50 / p95 ms", f"{values['p50']:.0f} / {values['p95']:.0f}"))
        own = result.get("answer_by_generator_ms", {}).get(name)
        if own and own["n"] and own["n"] < values["n"]:
            label = f"  of which {name} wrote ({own['n']} of {values['n']}) p50 / p95 ms"
            rows.append((label, f"{own['p50']:.0f} / {own['p95']:.0f}"))
    side = result.get("reader_side_by_side_ms")
    if side and side["rules"]["n"]:
        rows.append(
            (
                f"extractive, reader vs rules only, interleaved ({side['reader']['n']} answers) p50 / p95 ms",
                f"{side['reader']['p50']:.0f} / {side['reader']['p95']:.0f} vs "
                f"{side['rules']['p50']:.0f} / {side['rules']['p95']:.0f} ({side['p50_ratio']:.2f}x)",
            )
        )
    if result.get("naive_answer_ms"):
        naive, ours = result["naive_answer_ms"], result["local_beside_naive_ms"]
        rows.append(("naive vs local, interleaved, p50 ms", f"{naive['p50']:.0f} vs {ours['p50']:.0f}"))
    if "ingest_rss_mb" in result:
        rows.append(("ingest peak RSS MB", f"{result['ingest_rss_mb']:.0f}"))
    rows += [
        ("serve peak RSS MB", f"{result['serve_rss_mb']:.0f}"),
        ("BM25 RSS MB (chunk text MB)", f"{result['bm25_rss_mb']:.0f} ({result['chunk_text_mb']:.0f})"),
    ]
    if "disk_mb_per_1000_articles" in result:
        rows.append(("index MB per 1,000 articles", f"{result['disk_mb_per_1000_articles']:.0f}"))
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)


def plot_scaling(results: list[dict[str, Any]], out: Path) -> None:
    """Ingest time and query latency against corpus size, one point per bench JSON."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = sorted(results, key=lambda r: r["articles"])
    sizes = [r["articles"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(sizes, [r["ingest_s"] for r in results], "o-", label="ingest (pipeline)")
    raw = [r["chunks"] / r["raw_encode_chunks_per_s"] for r in results]
    left.plot(sizes, raw, "s--", label="raw encode, same chunks")
    for r in results:  # runs at different sizes may use different embedding backends: say which
        left.annotate(
            r.get("embed_backend", ""),
            (r["articles"], r["ingest_s"]),
            fontsize=7,
            xytext=(4, -10),
            textcoords="offset points",
        )
    left.set(xscale="log", yscale="log", xlabel="articles", ylabel="seconds", title="Ingest time")
    right.plot(sizes, [r["retrieval_ms"]["fused"]["p50"] for r in results], "o-", label="fused retrieval")
    for name in results[-1]["answer_ms"]:
        # Where the run has it, the p50 over answers the generator wrote (table answers take ~2 ms).
        own = [r.get("answer_by_generator_ms", r["answer_ms"]).get(name, {}).get("p50", float("nan")) for r in results]
        right.plot(sizes, own, "o-", label=name)
    naive = [r.get("naive_answer_p50_ms") or float("nan") for r in results]
    right.plot(sizes, naive, "x:", label="naive LlamaIndex (local)")
    right.set(xscale="log", yscale="log", xlabel="articles", ylabel="p50 ms", title="Query latency (p50)")
    for axis in (left, right):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)


def run_bench_cli(args: argparse.Namespace, settings: Settings) -> int:
    if not 0 < args.raw_fraction <= 1:
        from assistant.errors import ConfigError

        raise ConfigError("--raw-fraction must be more than 0 and at most 1.")
    overrides: dict[str, Any] = {"embed_backend": args.backend or settings.embed_backend}
    for key in ("chunk_size", "chunk_overlap", "embed_batch_size", "embed_model", "top_k"):
        overrides[key] = getattr(settings, key)
    if args.serve_only and not args.workdir:
        from assistant.errors import ConfigError

        raise ConfigError("--serve-only needs --workdir: the folder a `--keep` run left its index in.")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    if not args.serve_only and workdir.exists() and any(workdir.iterdir()):
        shutil.rmtree(workdir)
    config = BenchConfig(
        articles=args.articles,
        workdir=workdir,
        settings=overrides,
        corpus=args.corpus,
        questions=args.questions,
        llm_questions=args.llm_questions,
        generators=tuple(args.generator or ("extractive", "local")),
        naive=not args.no_naive,
        slices=args.slices,
        raw_fraction=args.raw_fraction,
    )
    if args.serve_only:
        result = run_serve_only(config)
    else:
        try:
            result = run_bench(config)
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
    result["config"] = {k: str(v) for k, v in asdict(config).items()}
    print_summary(result)
    if args.json:
        write_json(result, args.json)
        print(f"wrote {args.json}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python eval/bench/bench.py",
        description="Ingest speed vs raw embedding, query latency, memory and disk at one corpus size.",
    )
    from assistant.config import GENERATOR_NAMES

    parser.add_argument("--articles", type=int, default=100, help="benchmark-corpus articles beside the shipped five")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="benchmark corpus (JSONL or JSONL.gz with id, title, date, url, text)",
    )
    parser.add_argument("--backend", choices=("torch", "onnx", "onnx-int8"), help="embedding backend")
    parser.add_argument("--questions", type=int, default=20, help="gold questions timed per measurement")
    parser.add_argument(
        "--llm-questions", type=int, default=8, help="of those, how many the local model and the naive pipeline answer"
    )
    parser.add_argument(
        "--generator", action="append", choices=GENERATOR_NAMES, help="generators to time (default extractive, local)"
    )
    parser.add_argument("--no-naive", action="store_true", help="skip the naive LlamaIndex pipeline")
    parser.add_argument("--slices", type=int, default=10, help="ingest / raw-encode interleaving slices")
    parser.add_argument(
        "--raw-fraction",
        type=float,
        default=0.1,
        help="share of each slice's chunks the raw encode times (default 0.1: a sample from every slice, "
        "so the ratio sees the same load, without encoding the corpus twice)",
    )
    parser.add_argument("--workdir", type=Path, help="where the bench index is built (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the workdir afterwards")
    parser.add_argument(
        "--serve-only",
        action="store_true",
        help="only re-measure serving (latency, RSS) on the index a --keep run left in --workdir",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Settings come from the environment / ``.env`` as for ``assistant``; errors are one sentence."""
    from assistant.errors import AssistantError

    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run_bench_cli(args, Settings())
    except AssistantError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":
    sys.exit(main())
