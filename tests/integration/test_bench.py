"""`eval/bench/bench.py` and the ONNX embedding backends. No timing thresholds: only shapes and sanity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import IndexMismatchError
from assistant.ingest.articles import build_article
from assistant.store.chroma import ChromaStore
from assistant.store.embedding import Embedder
from assistant.store.records import IndexSpec
from tests.conftest import ROOT, load_bench_script

_bench = load_bench_script("bench")
percentiles, plot_scaling, record_to_text, slices_of = (
    _bench.percentiles,
    _bench.plot_scaling,
    _bench.record_to_text,
    _bench.slices_of,
)


def run(args: list[str]) -> int:
    """The bench script as a user runs it (``python eval/bench/bench.py ...``); its stderr is echoed."""
    assert args[0] == "bench"
    done = subprocess.run([sys.executable, "eval/bench/bench.py", *args[1:]], cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    return done.returncode


TEXTS = [
    "Jessica Meir commands the Crew-12 mission to the International Space Station.",
    "The city council approved a new budget for road repairs on Tuesday.",
    "Singapore has been named the world's most expensive city to live in for the fifth year running.",
    "short",
]

BENCH_KEYS = {
    "ingest_chunks_per_s",
    "raw_encode_chunks_per_s",
    "ingest_overhead",
    "reingest_fraction",
    "retrieval_p50_ms",
    "retrieval_p95_ms",
    "answer_p50_ms",
    "naive_answer_p50_ms",
    "serve_rss_mb",
    "disk_mb_per_1000_articles",
}


def test_helpers() -> None:
    assert percentiles([3.0, 1.0, 2.0])["p50"] == 2.0
    assert percentiles([])["n"] == 0
    files = [Path(f"{i}.txt") for i in range(7)]
    parts = slices_of(files, 3)
    assert [p for part in parts for p in part] == files and len(parts) == 3
    record = {"id": "rt_1", "title": "A title", "date": "2018/03/15", "url": "http://x/y", "text": "Body."}
    text = record_to_text(record)
    article = build_article("rt_1.txt", "rt_1.txt", text)
    assert article.title == "A title" and article.published and article.published.isoformat() == "2018-03-15"
    assert article.text[article.body_start :].startswith("Body.")


def test_plot_scaling(tmp_path: Path) -> None:
    fake = {
        "ingest_s": 10.0,
        "chunks": 100,
        "raw_encode_chunks_per_s": 12.0,
        "retrieval_ms": {"fused": {"p50": 20.0}},
        "answer_ms": {"extractive": {"p50": 40.0}},
        "naive_answer_p50_ms": None,
    }
    out = tmp_path / "scale.png"
    plot_scaling([{**fake, "articles": 5}, {**fake, "articles": 105, "ingest_s": 90.0}], out)
    assert out.stat().st_size > 1000


def test_index_spec_records_backend(tmp_path: Path) -> None:
    torch_spec = IndexSpec("m", 384, 160, 32, embed_backend="torch")
    store = ChromaStore("coll", data_dir=tmp_path)
    store.open(torch_spec, create=True)
    assert store.collection.metadata["embed_backend"] == "torch"
    other = ChromaStore("coll", data_dir=tmp_path)
    with pytest.raises(IndexMismatchError, match="embed_backend"):
        other.open(IndexSpec("m", 384, 160, 32, embed_backend="onnx-int8"), create=False)


def test_index_without_backend_counts_as_torch(tmp_path: Path) -> None:
    legacy = ChromaStore("coll", data_dir=tmp_path)
    client = legacy._connect()
    old = {k: v for k, v in IndexSpec("m", 384, 160, 32).as_metadata().items() if k != "embed_backend"}
    client.create_collection("coll", embedding_function=None, metadata=old)
    legacy.open(IndexSpec("m", 384, 160, 32, embed_backend="torch"), create=False)
    with pytest.raises(IndexMismatchError):
        ChromaStore("coll", data_dir=tmp_path).open(IndexSpec("m", 384, 160, 32, embed_backend="onnx"), create=False)


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.999), ("onnx-int8", 0.97)])
def test_onnx_backend_close_to_torch(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory, backend: str, floor: float
) -> None:
    cache = tmp_path_factory.getbasetemp() / "embed_cache"
    onnx = Embedder(backend=backend, cache_dir=cache)  # type: ignore[arg-type]
    reference = np.asarray(embedder.embed_texts(TEXTS))
    vectors = np.asarray(onnx.embed_texts(TEXTS))
    assert vectors.shape == reference.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert (vectors * reference).sum(axis=1).min() > floor
    query = np.asarray(onnx.embed_query(TEXTS[0]))
    assert float(query @ reference[0]) > floor
    assert (cache / "sentence-transformers__all-MiniLM-L6-v2").is_dir()  # exported here, not downloaded


@pytest.mark.slow
def test_bench_cli_writes_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The three made-up articles differ only in their numbers: syndicated-copy merging would keep one.
    monkeypatch.setenv("ASSISTANT_DEDUP_THRESHOLD", "0")
    corpus = tmp_path / "corpus.jsonl"
    records = [
        {
            "id": f"rt_{i}",
            "title": f"Council story {i}",
            "date": "2024/05/0{i}",
            "url": f"http://example.com/{i}",
            "text": " ".join(f"The council met on day {i} and voted on item {j} of the budget." for j in range(40)),
        }
        for i in range(1, 4)
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    out = tmp_path / "bench.json"
    code = run(
        [
            "bench",
            "--articles",
            "3",
            "--corpus",
            str(corpus),
            "--questions",
            "3",
            "--generator",
            "extractive",
            "--no-naive",
            "--slices",
            "2",
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) >= BENCH_KEYS
    assert result["articles"] == 8  # the five shipped articles and three from the corpus
    assert result["ingest_chunks_per_s"] > 0 and result["raw_encode_chunks_per_s"] > 0
    assert result["ingest_overhead"] > -1
    assert 0 < result["reingest_fraction"] < 1 and result["reingest_chunks_written"] == 0
    assert result["reingest_unchanged"] == 8
    assert set(result["retrieval_ms"]) == {"dense", "bm25", "fused"}
    assert result["retrieval_p95_ms"] >= result["retrieval_p50_ms"] > 0
    assert result["answer_p50_ms"]["extractive"] > 0
    assert result["naive_answer_p50_ms"] is None
    assert result["serve_rss_mb"] > 50 and result["disk_mb_per_1000_articles"] > 0
    assert not (tmp_path / "work").exists()  # removed without --keep


@pytest.mark.slow
def test_bench_serve_only_re_measures_a_kept_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.jsonl"
    text = " ".join(f"The harbour board met on day {j} and approved berth {j}." for j in range(30))
    corpus.write_text(json.dumps({"id": "rt_1", "title": "Harbour", "date": "2024/05/01", "text": text}), "utf-8")
    common = ["--corpus", str(corpus), "--questions", "2", "--generator", "extractive", "--no-naive"]
    work = tmp_path / "work"
    assert run(["bench", "--articles", "1", "--slices", "1", "--workdir", str(work), "--keep", *common]) == 0
    assert (work / "index").is_dir()
    out = tmp_path / "serve.json"
    assert run(["bench", "--serve-only", "--workdir", str(work), "--json", str(out), *common]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["serve_only"] is True and "ingest_s" not in result
    assert result["articles"] == 6 and result["chunks"] == result["served_chunks"] > 6
    assert result["retrieval_p95_ms"] >= result["retrieval_p50_ms"] > 0
    assert result["answer_p50_ms"]["extractive"] > 0
    assert result["answered_from_table"]["extractive"] + result["answer_by_generator_ms"]["extractive"]["n"] == 2
    assert (work / "index").is_dir()  # a serve-only run never deletes the index it measured
    capsys.readouterr()
    assert run(["bench", "--serve-only", *common]) != 0  # no --workdir: nothing to measure
    assert run(["bench", "--serve-only", "--workdir", str(tmp_path / "nothing"), *common]) != 0
    assert "--keep" in capsys.readouterr().err
