"""Held-aside scores of a reader checkpoint: single windows, small groups, and haystacks as the answer stage
reads them. Windows alone flatter a reader; the haystack score is the one to watch."""

from __future__ import annotations

import random

import torch
from grouped import GroupSampler
from model_io import best_span, encode, masked_logits


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


def best_in_group(model, tokenizer, examples: list[dict], max_len: int) -> tuple[int, int, float, int, list]:
    """The best span over all windows of one question: (start, end, score, window, gold spans by window)."""
    batch = encode(tokenizer, examples, max_len)
    s, e = masked_logits(model, batch)
    i, j, score, row = max(
        ((*best_span(s[b].numpy(), e[b].numpy()), b) for b in range(len(examples))), key=lambda x: x[2]
    )
    golds = [(int(batch["start_positions"][b]), int(batch["end_positions"][b])) for b in range(len(examples))]
    return i, j, score, row, golds


def evaluate_groups(model, tokenizer, examples: list[dict], max_len: int, size: int, seed: int) -> dict[str, float]:
    """Held-aside questions read as small groups: is the best span of all windows the answer, and does a
    group without the answer window refuse as a whole?"""
    sampler = GroupSampler(examples, size, seed, news_qa_weight=1)
    rng = random.Random(seed)
    found = refused = answerable = unanswerable = 0
    model.eval()
    with torch.inference_mode():
        for qid in sampler.first:
            i, j, score, row, golds = best_in_group(model, tokenizer, sampler.group(qid, rng), max_len)
            gold_row = next((b for b, g in enumerate(golds) if g != (0, 0)), None)
            if gold_row is None:
                unanswerable += 1
                refused += score < 0
            else:
                answerable += 1
                g = golds[gold_row]
                found += score >= 0 and row == gold_row and abs(i - g[0]) <= 1 and abs(j - g[1]) <= 1
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
            i, j, score, row, golds = best_in_group(model, tokenizer, examples, max_len)
            gold = golds[row]
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
