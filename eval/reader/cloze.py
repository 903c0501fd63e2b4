"""Cloze questions from the bench articles (Lewis et al. 2019, "Unsupervised Question Answering by Cloze
Translation"): spaCy finds an entity, number or date in a sentence; the sentence becomes a question by
putting a wh-phrase in its place (or at the front, with some words dropped, so the question does not
copy the sentence word for word); the window around the sentence answers it. A neighbouring sentence
that does not hold the answer is the negative.

No article of the dev set's haystack and none the outside check cites is read.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from data import Example, _find, _sentences, _window, bench_rows, dev_article_ids

from assistant.evaluation.gold import load_gold
from assistant.text.nlp import MODEL, load_model
from assistant.text.terms import STOPWORDS

ROOT = Path(__file__).resolve().parents[2]
# Which wh-phrase asks for each spaCy label (as in the paper's identity / noun-phrase mappings).
WH_BY_LABEL = {
    "PERSON": ["Who", "Which person"],
    "ORG": ["What organization", "Which company", "What group"],
    "GPE": ["Where", "What country", "Which city", "What place"],
    "LOC": ["Where", "What place"],
    "NORP": ["What nationality", "Which group"],
    "DATE": ["When", "On what date", "What day"],
    "CARDINAL": ["How many", "What number"],
    "MONEY": ["How much", "What amount"],
    "PERCENT": ["What percentage", "What share"],
    "EVENT": ["What event"],
    "WORK_OF_ART": ["What title", "Which work"],
    "PRODUCT": ["What product"],
    "FAC": ["Which building", "Where"],
    "LAW": ["Which law"],
    "QUANTITY": ["How much", "What quantity"],
}


def _excluded() -> set[str]:
    outside = {
        s.removesuffix(".txt") for q in load_gold(ROOT / "eval" / "gold" / "outside_bench.jsonl") for s in q.sources
    }
    return dev_article_ids() | outside


def cloze_examples(articles: int, per_article: int, seed: int) -> Iterator[Example]:
    nlp = load_model(MODEL, ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    rng = random.Random(seed)
    excluded = _excluded()
    rows = [r for r in bench_rows(articles + len(excluded)) if r["id"] not in excluded][:articles]
    texts = []
    for row in rows:
        sentences = _sentences(row["text"][:4000])
        texts.append((row["id"], sentences))
    flat = [(aid, i, s) for aid, sentences in texts for i, s in enumerate(sentences)]
    by_article = dict(texts)
    chosen: dict[str, int] = {}
    docs = nlp.pipe((s.text for _, _, s in flat), batch_size=256)
    for (aid, i, sentence), doc in zip(flat, docs, strict=True):
        if chosen.get(aid, 0) >= per_article or rng.random() < 0.5:
            continue
        words = sentence.text.split()
        if len(words) < 8 or sum(w.isalpha() for w in words) < 0.7 * len(words):
            continue  # headings, tables and lists make no question
        ents = [e for e in doc.ents if e.label_ in WH_BY_LABEL and len(e.text) > 1]
        if not ents:
            continue
        ent = rng.choice(ents)
        question = _question(sentence.text, ent.start_char, ent.end_char, rng.choice(WH_BY_LABEL[ent.label_]), rng)
        if len(question.split()) < 4:
            continue
        sentences = by_article[aid]
        window = _window(sentences, i, rng)
        start = _find(window, ent.text)
        if start < 0:
            continue
        chosen[aid] = chosen.get(aid, 0) + 1
        qid = f"cloze_{aid}_{i}"
        yield Example(qid, "cloze", "positive", question, window, start, window[start : start + len(ent.text)])
        neighbours = [j for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < len(sentences) and j != i]
        neighbours = [j for j in neighbours if _find(sentences[j].text, ent.text) < 0]
        if neighbours:
            j = rng.choice(neighbours)
            yield Example(qid, "cloze", "near", question, " ".join(sentences[j].text.split()), -1, "")


def _question(sentence: str, start: int, end: int, wh: str, rng: random.Random) -> str:
    before, after = sentence[:start].strip(), sentence[end:].strip().rstrip(".!?\"'”")
    if rng.random() < 0.5 or not before:
        # In place: "The company hired who as its chief?"
        text = " ".join(p for p in (before, wh, after) if p)
        if before:
            text = text.replace(wh, wh.lower(), 1)
    else:
        # Fronted, with a few function-free words dropped: "Who company hired as chief?"
        before = before[:1].lower() + before[1:] if before[:2].istitle() and not before[1:2].isupper() else before
        words = [w for w in f"{before} {after}".split() if not (w.lower() in STOPWORDS and rng.random() < 0.3)]
        words = [w for w in words if rng.random() > 0.1]
        text = f"{wh} {' '.join(words)}"
    return " ".join(text.split()).rstrip(",;:") + "?"


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--per-article", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    n = 0
    with args.out.open("w", encoding="utf-8") as out:
        for example in cloze_examples(args.articles, args.per_article, args.seed):
            out.write(json.dumps(asdict(example)) + "\n")
            n += 1
    print(f"{n} cloze examples -> {args.out}")


if __name__ == "__main__":
    main()
