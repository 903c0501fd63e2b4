"""Haystack groups: for each news_qa_train question, the windows the answer stage would read.

The grouped run (``grouped.py``) built its groups from a question's own negatives and neighbouring lines of
the data file, and the reader it trained still refused almost nothing over a real haystack. These groups are
built the way the assistant builds its windows: every sentence of the question's articles and of articles
of nearby questions (topical strangers from the same news weeks) is ranked by the words it shares with the
question, and the best ``WINDOWS`` become windows, each with its neighbours (as ``assistant/answer/reading.py``
does). A window holding the quiz's answer is an answer window; the others hold none.

    python eval/reader/haystack.py --out eval/reader/runs/v3/data/haystack.jsonl

One line per question: {"qid", "question", "held": bool, "windows": [{"context", "answer_start", "answer"}]}.
The held-aside questions are the same as in ``data.py`` (a hash of the id).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from data import MAX_WINDOW_WORDS, NEWS_QA, _clean_answer, _find, _overlap, _sentences, held_aside

from assistant.text.terms import content_terms

WINDOWS = 12
STRANGERS = 2  # articles of other questions from nearby in the quiz list


def windows_of(sentences: list, ranked: list[int]) -> list[str]:
    """Each ranked sentence with the sentence before and after it, while the window stays short."""
    out = []
    for i in ranked:
        lo, hi = i, i + 1
        for j in (i - 1, i + 1):
            if 0 <= j < len(sentences):
                a, b = min(lo, j), max(hi, j + 1)
                if sum(len(s.text.split()) for s in sentences[a:b]) <= MAX_WINDOW_WORDS:
                    lo, hi = a, b
        out.append(" ".join(" ".join(s.text.split()) for s in sentences[lo:hi]))
    return out


def haystack_groups(seed: int) -> list[dict]:
    rng = random.Random(seed)
    articles: dict[str, str] = {}
    with (NEWS_QA / "articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            articles[row["name"]] = row["text"]
    questions = [json.loads(line) for line in (NEWS_QA / "train.jsonl").open(encoding="utf-8")]
    groups = []
    for n, q in enumerate(questions):
        answer = _clean_answer(q["answer"])
        if not answer:
            continue
        terms = set(content_terms(q["question"]))
        nearby = [name for other in questions[max(0, n - 20) : n + 20] if other is not q for name in other["articles"]]
        names = list(q["articles"]) + rng.sample(nearby, min(STRANGERS, len(nearby)))
        texts = [q.get("evidence") or ""] + [articles.get(name, "") for name in names]
        candidates: list[tuple[int, float, int, list]] = []  # (overlap, tie-break, index, sentences)
        for text in texts:
            sentences = _sentences(text)
            for i, sentence in enumerate(sentences):
                candidates.append((_overlap(terms, sentence.text), rng.random(), i, sentences))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        windows = []
        for _, _, i, sentences in candidates[:WINDOWS]:
            context = windows_of(sentences, [i])[0]
            start = _find(context, answer)
            windows.append(
                {
                    "context": context,
                    "answer_start": start,
                    "answer": context[start : start + len(answer)] if start >= 0 else "",
                }
            )
        if windows:
            groups.append({"qid": q["id"], "question": q["question"], "held": held_aside(q["id"]), "windows": windows})
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    groups = haystack_groups(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for group in groups:
            f.write(json.dumps(group) + "\n")
    with_answer = sum(any(w["answer_start"] >= 0 for w in g["windows"]) for g in groups)
    print(f"{len(groups)} questions, {with_answer} with an answer window among their {WINDOWS} best windows")


if __name__ == "__main__":
    main()
