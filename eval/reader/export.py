"""Export a trained reader checkpoint to ONNX, quantise it to int8, check both on the held-aside windows
with the same code the assistant runs (``OnnxSpanReader``), and ship the smaller one if it keeps accuracy.

    python eval/reader/export.py --run eval/reader/runs/v1            # export and compare
    python eval/reader/export.py --run eval/reader/runs/v1 --ship     # ... and copy into assistant/models/reader/
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from assistant.answer.reader import BUNDLED_READER, OnnxSpanReader

MAX_ANSWER_TOKENS = 16
# int8 is shipped when it reads the held-aside windows (found + refused) within this much of fp32.
QUANTISED_TOLERANCE = 0.01
SPAN_HEAD_NODE = "/model/qa_outputs/MatMul"  # the name torch.onnx gives the span head's matrix product


def to_onnx(checkpoint: Path, folder: Path, max_len: int) -> None:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    model = AutoModelForQuestionAnswering.from_pretrained(str(checkpoint)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(checkpoint))
    sample = tokenizer(["who?"], ["a window"], return_tensors="pt")

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.start_logits, out.end_logits

    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Logits(),
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(folder / "model.fp32.onnx"),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["start_logits", "end_logits"],
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            "start_logits": axes,
            "end_logits": axes,
        },
        opset_version=17,
        dynamo=False,
    )
    tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "reader.json").write_text(json.dumps({"max_len": max_len, "max_answer_tokens": MAX_ANSWER_TOKENS}))


def quantise(folder: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = {node.name for node in onnx.load(str(folder / "model.fp32.onnx")).graph.node}
    if SPAN_HEAD_NODE not in names:  # quantize_dynamic would ignore an unknown name and quantise the head
        raise SystemExit(f"The exported graph has no node {SPAN_HEAD_NODE}; update SPAN_HEAD_NODE.")
    # Per output channel, with the span head left in fp32: on the v2 run per-tensor int8 lost 6.7 points of
    # found answers on the held-aside windows, this lost 1.4 (docs/experiments.md). The head is 2 x 384 weights.
    quantize_dynamic(
        str(folder / "model.fp32.onnx"),
        str(folder / "model.int8.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=True,
        nodes_to_exclude=[SPAN_HEAD_NODE],
    )


def window_scores(reader: OnnxSpanReader, held: list[dict]) -> dict[str, float]:
    """Share of answer windows where the best span overlaps the answer and beats refusal, and share of
    no-answer windows refused."""
    found = refused = answerable = 0
    by_question: dict[str, list[dict]] = {}
    for example in held:
        by_question.setdefault(example["question"], []).append(example)
    for question, examples in by_question.items():
        spans = {s.window: s for s in reader.read(question, [e["context"] for e in examples])}
        for k, example in enumerate(examples):
            span = spans.get(k)
            if example["answer_start"] < 0:
                refused += span is None or span.score < 0
                continue
            answerable += 1
            a0, a1 = example["answer_start"], example["answer_start"] + len(example["answer"])
            found += span is not None and span.score >= 0 and span.start < a1 and span.end > a0
    return {
        "found": round(found / max(answerable, 1), 4),
        "refused": round(refused / max(len(held) - answerable, 1), 4),
        "answer_windows": answerable,
        "no_answer_windows": len(held) - answerable,
    }


def _window_accuracy(scores: dict[str, float]) -> float:
    """Share of all held-aside windows read right: answer found, or no-answer window refused."""
    answerable, unanswerable = scores["answer_windows"], scores["no_answer_windows"]
    return (scores["found"] * answerable + scores["refused"] * unanswerable) / (answerable + unanswerable)


def export(checkpoint: Path, held: list[dict], max_len: int, ship: bool = False) -> dict[str, object]:
    folder = checkpoint.parent / "onnx"
    to_onnx(checkpoint, folder, max_len)
    quantise(folder)
    scores = {}
    for name in ("fp32", "int8"):
        staging = folder / name
        staging.mkdir(exist_ok=True)
        shutil.copy(folder / f"model.{name}.onnx", staging / "model.onnx")
        for extra in ("tokenizer.json", "reader.json"):
            shutil.copy(folder / extra, staging / extra)
        scores[name] = window_scores(OnnxSpanReader(staging), held)
        scores[name]["megabytes"] = round((staging / "model.onnx").stat().st_size / 2**20, 1)
    fp32, int8 = scores["fp32"], scores["int8"]
    keeps = _window_accuracy(fp32) - _window_accuracy(int8) <= QUANTISED_TOLERANCE
    chosen = "int8" if keeps else "fp32"
    if ship:
        BUNDLED_READER.mkdir(parents=True, exist_ok=True)
        for extra in ("model.onnx", "tokenizer.json", "reader.json"):
            shutil.copy(folder / chosen / extra, BUNDLED_READER / extra)
    return {"scores": scores, "shipped": chosen if ship else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--ship", action="store_true")
    args = parser.parse_args()
    report_path = args.run / "report.json"
    report = json.loads(report_path.read_text())
    held = [json.loads(line) for line in (args.run / "data" / "held.jsonl").open(encoding="utf-8")]
    report["export"] = export(args.run / "checkpoint", held, report["training"]["max_len"], args.ship)
    report_path.write_text(json.dumps(report, indent=2))
    print(json.dumps(report["export"], indent=2))


if __name__ == "__main__":
    main()
