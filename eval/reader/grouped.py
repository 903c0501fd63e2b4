"""Grouped training: several windows of one question share one softmax, so span scores compare across windows.

A reader trained on windows one at a time learns "answer vs no answer *in this window*"; read over a haystack
it is sure of a span in nearly every window, and the best span of a wrong window often outscores the right
one. Shared normalisation (Clark & Gardner 2018, "Simple and Effective Multi-Paragraph Reading
Comprehension") fixes the training signal: the scores the assistant ranks by, each token's logit minus its
window's [CLS] logit, enter one softmax per question together with a single "none of these" option at 0.
The answer's token must beat every token of the other windows, and a group without the answer must keep
every window under 0.

Groups are built from the training windows: one answer window (left out for a share of questions, so the
reader learns to refuse a whole haystack), the question's own hard negatives, and windows from the lines
near it in the data file, which come from the same article, paragraph or news week.
"""

from __future__ import annotations

import random
from collections import defaultdict

import torch

NO_ANSWER_GROUPS = 0.25  # share of answerable questions whose group leaves the answer window out
NEIGHBOURHOOD = 40  # lines either side in the data file to borrow negatives from


class GroupSampler:
    """Deterministic groups of ``size`` windows per question, by epoch and step, so a resumed run repeats them."""

    def __init__(self, examples: list[dict], size: int, seed: int, news_qa_weight: int = 2) -> None:
        self.examples = examples
        self.size = size
        self.seed = seed
        self.positives: dict[str, list[int]] = defaultdict(list)
        self.negatives: dict[str, list[int]] = defaultdict(list)
        self.first: dict[str, int] = {}
        for i, example in enumerate(examples):
            qid = example["qid"]
            self.first.setdefault(qid, i)
            (self.positives if example["answer_start"] >= 0 else self.negatives)[qid].append(i)
        # Real quiz questions are the kind the assistant is asked; they count twice per epoch.
        weight = {qid: news_qa_weight if examples[i]["source"] == "news_qa" else 1 for qid, i in self.first.items()}
        self.qids = [qid for qid in self.first for _ in range(weight[qid])]

    def epoch_order(self, epoch: int) -> list[str]:
        order = list(self.qids)
        random.Random(self.seed + epoch).shuffle(order)
        return order

    def group(self, qid: str, rng: random.Random) -> list[dict]:
        positives = self.positives.get(qid, [])
        answer = self.examples[positives[0]]["answer"].lower() if positives else ""
        chosen: list[int] = []
        if positives and rng.random() >= NO_ANSWER_GROUPS:
            chosen.append(rng.choice(positives))
        own = list(self.negatives.get(qid, []))
        rng.shuffle(own)
        chosen += own[: self.size - len(chosen)]
        at = self.first[qid]
        nearby = list(range(max(0, at - NEIGHBOURHOOD), min(len(self.examples), at + NEIGHBOURHOOD)))
        rng.shuffle(nearby)
        for i in nearby:
            if len(chosen) >= self.size:
                break
            other = self.examples[i]
            if other["qid"] == qid or (answer and answer in other["context"].lower()):
                continue
            chosen.append(i)
        # A borrowed window is someone else's question's window: for this question it holds no answer.
        group = []
        for i in chosen:
            example = dict(self.examples[i])
            if example["qid"] != qid:
                example.update(qid=qid, question=self.examples[at]["question"], answer_start=-1, answer="")
            group.append(example)
        rng.shuffle(group)
        return group

    def batch(self, step: int, groups_per_batch: int) -> tuple[list[dict], list[int]]:
        """The windows of step ``step`` and the group sizes, in order."""
        per_epoch = len(self.qids) // groups_per_batch
        epoch, k = divmod(step, per_epoch)
        qids = self.epoch_order(epoch)[k * groups_per_batch : (k + 1) * groups_per_batch]
        rng = random.Random(self.seed * 1_000_003 + step)
        windows: list[dict] = []
        sizes: list[int] = []
        for qid in qids:
            group = self.group(qid, rng)
            windows += group
            sizes.append(len(group))
        return windows, sizes


def group_loss(
    start: torch.Tensor, end: torch.Tensor, batch: dict[str, torch.Tensor], sizes: list[int]
) -> torch.Tensor:
    """Cross-entropy over each group's tokens, scored as logit minus own [CLS] logit, with a shared 0 for none.
    Where several windows hold the answer, any of them counts (the log of their summed probability)."""
    losses = []
    row = 0
    for size in sizes:
        for logits, gold in ((start, batch["start_positions"]), (end, batch["end_positions"])):
            parts = [logits.new_zeros(1)]
            targets: list[int] = []
            offset = 1
            for w in range(row, row + size):
                tokens = batch["context_mask"][w].nonzero().squeeze(1)[1:]  # context tokens, [CLS] left out
                parts.append(logits[w, tokens] - logits[w, 0])
                if int(gold[w]) > 0:
                    targets.append(offset + int((tokens < gold[w]).sum()))
                offset += len(tokens)
            log_probs = torch.log_softmax(torch.cat(parts), dim=0)
            losses.append(-torch.logsumexp(log_probs[torch.tensor(targets or [0])], dim=0))
        row += size
    return torch.stack(losses).mean()


class HaystackSampler:
    """Groups from ``haystack.py``: the best-ranked windows of a question's articles and of strangers."""

    def __init__(self, groups: list[dict], size: int, seed: int) -> None:
        self.groups = groups
        self.size = size
        self.seed = seed

    def batch(self, step: int, groups_per_batch: int) -> tuple[list[dict], list[int]]:
        per_epoch = len(self.groups) // groups_per_batch
        epoch, k = divmod(step, per_epoch)
        order = list(range(len(self.groups)))
        random.Random(self.seed + 7919 * (epoch + 1)).shuffle(order)
        rng = random.Random(self.seed * 1_000_033 + step)
        windows: list[dict] = []
        sizes: list[int] = []
        for i in order[k * groups_per_batch : (k + 1) * groups_per_batch]:
            group = self.groups[i]
            answers = [w for w in group["windows"] if w["answer_start"] >= 0]
            others = [w for w in group["windows"] if w["answer_start"] < 0]
            chosen = answers[:2] if answers and rng.random() >= NO_ANSWER_GROUPS else []
            chosen += others[: self.size - len(chosen)]  # the best-ranked, hardest, first
            if not chosen:  # every window of this haystack holds the answer: nothing to leave it out of
                chosen = answers[: self.size]
            rng.shuffle(chosen)
            windows += [{"qid": group["qid"], "question": group["question"], **w} for w in chosen]
            sizes.append(len(chosen))
        return windows, sizes
