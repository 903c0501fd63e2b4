"""Training windows for the span reader: (question, window of 1-3 sentences, answer span or none).

Three sources, each written by others (the model card names them and their licences):
- ``news_qa_train``: real news quiz questions. Positives are windows around a sentence that holds the
  quiz's answer (its evidence and its articles); negatives are the hard kind a haystack gives the reader:
  other sentences of the same articles, sentences that hold one of the quiz's wrong choices, and the
  best-matching sentences of articles that do not hold the answer.
- a SQuAD 2.0 slice (CC BY-SA 4.0): other question wordings, and its unanswerable questions.
- cloze questions made from ``../shared/bench`` with spaCy (Lewis et al. 2019): an entity, number or date
  of a sentence is replaced by a wh-phrase; no article of the dev set is used.

Every window is built so it fits the reader's token budget; the held-aside split is by question id.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.text.sentences import Sentence, split_sentences
from assistant.text.terms import content_terms

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
NEWS_QA = SHARED / "devsets" / "news_qa_train"
DEV = SHARED / "devsets" / "news_qa_dev"
BENCH = SHARED / "bench" / "news_articles.jsonl.gz"
MAX_WINDOW_WORDS = 90  # with a question of up to ~30 words this stays under 160 word pieces


@dataclass(frozen=True)
class Example:
    qid: str
    source: str  # news_qa | squad | cloze
    kind: str  # positive | near | distractor | other_article | impossible
    question: str
    context: str
    answer_start: int  # character offset in context; -1 when the window does not answer
    answer: str


def held_aside(qid: str, share: float = 0.05) -> bool:
    """A stable split by question id: the same questions are held aside on every run."""
    return int(hashlib.sha1(qid.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def _overlap(question_terms: set[str], text: str) -> int:
    return len(question_terms & set(content_terms(text)))


def _window(sentences: list[Sentence], i: int, rng: random.Random) -> str:
    """Sentence i with 0-2 neighbours, as the answer stage reads retrieved sentences."""
    lo, hi = i, i + 1
    for _ in range(rng.choice((0, 1, 1, 2))):
        grow_left = rng.random() < 0.5
        if grow_left and lo > 0:
            candidate = (lo - 1, hi)
        elif hi < len(sentences):
            candidate = (lo, hi + 1)
        else:
            continue
        words = sum(len(s.text.split()) for s in sentences[candidate[0] : candidate[1]])
        if words <= MAX_WINDOW_WORDS:
            lo, hi = candidate
    return " ".join(" ".join(s.text.split()) for s in sentences[lo:hi])


def _find(text: str, answer: str) -> int:
    match = re.search(r"(?<!\w)" + re.escape(answer) + r"(?!\w)", text, re.I)
    return match.start() if match else -1


def _clean_answer(answer: str) -> str:
    return answer.strip().strip("\"'“”‘’").strip()


def _sentences(text: str) -> list[Sentence]:
    return [s for s in split_sentences(text[:12000]) if 3 <= len(s.text.split()) <= MAX_WINDOW_WORDS]


def news_qa_examples(rng: random.Random) -> Iterator[Example]:
    articles = {}
    with (NEWS_QA / "articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            articles[row["name"]] = row["text"]
    questions = [json.loads(line) for line in (NEWS_QA / "train.jsonl").open(encoding="utf-8")]
    all_names = sorted(articles)
    for q in questions:
        answer = _clean_answer(q["answer"])
        if not answer:
            continue
        terms = set(content_terms(q["question"]))
        distractors = [_clean_answer(d) for d in q.get("distractors", []) if _clean_answer(d)]
        texts = [q.get("evidence") or ""] + [articles.get(name, "") for name in q["articles"]]
        positives: list[tuple[int, str]] = []
        negatives: list[tuple[int, str, str]] = []
        for n, text in enumerate(texts):
            sentences = _sentences(text)
            for i, sentence in enumerate(sentences):
                has_answer = _find(sentence.text, answer) >= 0
                score = _overlap(terms, sentence.text)
                if has_answer:
                    positives.append((score + (5 if n == 0 else 0), _window(sentences, i, rng)))
                else:
                    kind = "distractor" if any(_find(sentence.text, d) >= 0 for d in distractors) else "near"
                    negatives.append((score, kind, _window(sentences, i, rng)))
        positives.sort(key=lambda p: -p[0])
        emitted = 0
        for _, window in positives[:3]:
            start = _find(window, answer)
            if start >= 0:
                emitted += 1
                yield Example(
                    q["id"], "news_qa", "positive", q["question"], window, start, window[start : start + len(answer)]
                )
        if not emitted:
            continue
        # Negatives: the windows that look most like an answer, and never one that holds it.
        negatives = [n for n in negatives if _find(n[2], answer) < 0]
        negatives.sort(key=lambda n: (-n[0], rng.random()))
        hard = [n for n in negatives if n[1] == "distractor"][:1] + [n for n in negatives if n[1] == "near"][:3]
        for _, kind, window in hard:
            yield Example(q["id"], "news_qa", kind, q["question"], window, -1, "")
        # An article of another question: retrieval brings in topical strangers too.
        other = _sentences(articles[rng.choice(all_names)])
        other = [s for s in other if _find(s.text, answer) < 0]
        if other:
            best = max(range(len(other)), key=lambda i: (_overlap(terms, other[i].text), rng.random()))
            yield Example(q["id"], "news_qa", "other_article", q["question"], _window(other, best, rng), -1, "")


def squad_examples(path: Path, rng: random.Random) -> Iterator[Example]:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for article in data:
        for paragraph in article["paragraphs"]:
            sentences = _sentences(paragraph["context"])
            if not sentences:
                continue
            for qa in paragraph["qas"]:
                terms = set(content_terms(qa["question"]))
                qid = f"squad_{qa['id']}"
                if qa.get("is_impossible") or not qa["answers"]:
                    best = max(range(len(sentences)), key=lambda i: _overlap(terms, sentences[i].text))
                    yield Example(qid, "squad", "impossible", qa["question"], _window(sentences, best, rng), -1, "")
                    continue
                answer = qa["answers"][0]
                at = answer["answer_start"]
                holder = next((i for i, s in enumerate(sentences) if s.start <= at < s.end), None)
                if holder is None:
                    continue
                window = _window(sentences, holder, rng)
                start = window.find(" ".join(answer["text"].split()))
                if start < 0:
                    continue
                yield Example(qid, "squad", "positive", qa["question"], window, start, answer["text"])
                others = [i for i in range(len(sentences)) if answer["text"].lower() not in sentences[i].text.lower()]
                if others and rng.random() < 0.6:
                    best = max(others, key=lambda i: (_overlap(terms, sentences[i].text), rng.random()))
                    yield Example(qid, "squad", "near", qa["question"], " ".join(sentences[best].text.split()), -1, "")


def dev_article_ids() -> set[str]:
    """Every article of the dev haystack (both halves), so cloze questions never read one."""
    return {p.stem for p in (DEV / "corpus").glob("*.txt")}


def write_examples(out: Path, squad: Path | None, cloze: Path | None, seed: int) -> dict[str, int]:
    """Write train.jsonl and held.jsonl under ``out``; return counts by source and kind."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    out.mkdir(parents=True, exist_ok=True)
    streams = [news_qa_examples(rng)]
    if squad and squad.exists():
        streams.append(squad_examples(squad, rng))
    if cloze and cloze.exists():
        streams.append(Example(**json.loads(line)) for line in cloze.open(encoding="utf-8"))
    with (
        (out / "train.jsonl").open("w", encoding="utf-8") as train,
        (out / "held.jsonl").open("w", encoding="utf-8") as held,
    ):
        for stream in streams:
            for example in stream:
                split = "held" if held_aside(example.qid) else "train"
                (held if split == "held" else train).write(json.dumps(asdict(example)) + "\n")
                key = f"{split}/{example.source}/{example.kind}"
                counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def bench_rows(limit: int) -> Iterator[dict[str, str]]:
    with gzip.open(BENCH, "rt", encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if n >= limit:
                return
            yield json.loads(line)
