"""The reader's inputs and outputs in training: question + window tokenised with the answer's token span, the
start/end logits over the window's tokens and [CLS], and the best span of a window."""

from __future__ import annotations

import numpy as np
import torch


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
