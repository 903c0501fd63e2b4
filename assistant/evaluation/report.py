"""report.md and the PNG plots of an eval run (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

TYPES = ("person", "people", "date", "number", "text", "unanswerable")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def tokens_cell(tokens: dict[str, Any] | None) -> str:
    """Prompt tokens as "mean a question / p50 a call"; says so when no model was asked or none reported."""
    if not tokens:
        return "n/a"
    unreported = tokens.get("unreported", 0)
    if not tokens.get("calls"):
        return "not reported by the server" if unreported else "0 (no model asked)"
    cell = f"{tokens['mean_per_question']:.0f} / {tokens['p50_per_call']:.0f}"
    return cell + (f" ({unreported} unreported)" if unreported else "")


def side_by_side(report: dict[str, Any]) -> list[str]:
    """Each generator beside the naive pipeline, on the questions the naive pipeline answered."""
    gens = report["generators"]
    naive = gens.get("naive-llamaindex")
    if naive is None:
        return []
    lines = [
        "",
        "## Beside the naive pipeline, same model",
        "",
        f"The naive LlamaIndex pipeline (1024/200 chunks, top-k 2, a plain prompt) ran on "
        f"{report.get('baseline_model') or naive.get('model') or 'the local model'}, over "
        f"{naive['n']} questions (every type in proportion); each generator on the same questions. Prompt "
        "tokens as the model's server counted them: mean a question (0 where no model was asked) / p50 a call.",
        "",
        "| pipeline | model | questions | correct | wrong | abstained | score | p50 per answer | prompt tokens |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [
        (name, s.get("model", "–"), s["on_baseline_questions"])
        for name, s in gens.items()
        if "on_baseline_questions" in s
    ]
    rows.append(
        (
            "naive-llamaindex",
            naive.get("model", "–"),
            {
                "n": naive["n"],
                "outcomes": naive["outcomes"],
                "score": naive["score"],
                "p50_total_ms": naive["latency_ms"]["total"]["p50"],
                "prompt_tokens": naive.get("prompt_tokens"),
            },
        )
    )
    for name, model, row in rows:
        o, n = row["outcomes"], row["n"] or 1
        lines.append(
            f"| {name} | {model} | {row['n']} | {o['correct']} ({o['correct'] / n:.1%}) | "
            f"{o['wrong']} ({o['wrong'] / n:.1%}) | {o['abstained']} ({o['abstained'] / n:.1%}) | "
            f"**{row['score']:+.1%}** | {row['p50_total_ms']:.0f} ms | {tokens_cell(row.get('prompt_tokens'))} |"
        )
    return lines


def targets(summary: dict[str, Any], retrieval: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The issue's targets for the default generator: (what, measured, met)."""
    rows = [
        ("answer accuracy >= 90%", _pct(summary["accuracy"]), summary["accuracy"] >= 0.90),
        (
            "abstention on unanswerable = 100%, zero citations",
            _pct(summary["abstention_with_zero_citations"]),
            (summary["abstention_with_zero_citations"] or 0) >= 1.0,
        ),
        (
            "correct answers citing a gold source >= 95%",
            _pct(summary["correct_citing_gold_source"]),
            (summary["correct_citing_gold_source"] or 0) >= 0.95,
        ),
        (
            "citations to non-retrieved chunks = 0",
            str(summary["citations_to_unretrieved"]),
            summary["citations_to_unretrieved"] == 0,
        ),
        (
            "retrieval recall@5 >= 98% (fused+rerank)",
            _pct(retrieval["fused+rerank"]["recall@5"]),
            retrieval["fused+rerank"]["recall@5"] >= 0.98,
        ),
    ]
    return rows


def write_markdown(report: dict[str, Any], predictions: list[Any], out: Path, default: str = "extractive") -> None:
    gens = report["generators"]
    lines = [
        "# Eval report",
        "",
        f"Gold: `{report['gold']}` ({report['questions']} questions; naive baseline on "
        f"{report.get('baseline_questions', 0)} of them, every type in proportion) · corpus: `{report['corpus']}` · "
        f"{report['ingest']['chunks']} chunks · top-k {report['settings']['top_k']} · run took "
        f"{report['seconds']:.0f} s · split: {report.get('split', 'all')}",
        "",
        "## Correct, wrong, abstained",
        "",
        "A wrong answer costs more than an abstention: score = (correct - wrong) / questions (CRAG's convention).",
        "",
        "| generator | questions | correct | wrong | abstained | score |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in gens.items():
        o = s["outcomes"]
        lines.append(
            f"| {name} | {s['n']} | {o['correct']} ({_pct(s['accuracy'])}) | {o['wrong']} ({_pct(s['wrong_rate'])}) | "
            f"{o['abstained']} ({_pct(s['abstain_rate'])}) | **{s['score']:+.1%}** |"
        )
    lines += side_by_side(report)
    drafted = {name: s for name, s in gens.items() if s.get("drafts_right")}
    if drafted:
        lines += ["", "LLM drafts that were right before grounding, and how many of those grounding rejected:", ""]
        for name, s in drafted.items():
            lines.append(f"- {name}: {s['drafts_right']} right drafts, {s['right_drafts_rejected']} rejected")
    lines += [
        "",
        "## Answers by generator",
        "",
        "| generator | accuracy | " + " | ".join(TYPES) + " | people F1 | abstain (unans.) | false abstain | "
        "cites gold | quotes hold answer | bad cites | fallbacks | p50 total | p95 total |",
        "|---" * (11 + len(TYPES)) + "|",
    ]
    for name, s in gens.items():
        by_type = s["by_type"]
        cells = [_pct(by_type[t]["accuracy"]) if t in by_type else "–" for t in TYPES]
        people_f1 = by_type.get("people", {}).get("mean_f1")
        lines.append(
            f"| {name} | **{_pct(s['accuracy'])}** | " + " | ".join(cells) + f" | {_pct(people_f1)} | "
            f"{_pct(s['abstention_with_zero_citations'])} | {s['false_abstentions']} | "
            f"{_pct(s['correct_citing_gold_source'])} | {_pct(s['quotes_containing_answer'])} | "
            f"{s['citations_to_unretrieved']} | {s['fallbacks']} | {s['latency_ms']['total']['p50']:.0f} ms | "
            f"{s['latency_ms']['total']['p95']:.0f} ms |"
        )
    categories = sorted({c for s in gens.values() for c in s.get("by_category", {})})
    if categories:
        earlier = report.get("compare", {}).get("generators", {})
        lines += [
            "",
            "## By category (news intelligence)",
            "",
            "Questions tagged temporal, roster, conflict or follow-up in the gold file"
            + (f"; *before* is `{report['compare']['source']}`, rescored on this gold file." if earlier else "."),
            "",
            "| generator | "
            + " | ".join(f"{c} (n={gens[next(iter(gens))]['by_category'].get(c, {}).get('n', 0)})" for c in categories)
            + " | answered from the table |",
            "|---" * (len(categories) + 2) + "|",
        ]
        for name, s in gens.items():
            cells = []
            for c in categories:
                now = s.get("by_category", {}).get(c, {}).get("accuracy")
                before = earlier.get(name, {}).get("by_category", {}).get(c, {}).get("accuracy")
                cells.append(f"{_pct(before)} → **{_pct(now)}**" if name in earlier else _pct(now))
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {s.get('answered_from_table', 0)} |")
    lines += [
        "",
        "Latency per stage (ms, p50 / p95), and the prompt tokens sent to a model (mean a question / p50 a call):",
        "",
        "| generator | retrieve | generate | total | prompt tokens |",
        "|---|---|---|---|---|",
    ]
    for name, s in gens.items():
        lat = s["latency_ms"]
        lines.append(
            f"| {name} | {lat['retrieve']['p50']:.0f} / {lat['retrieve']['p95']:.0f} | "
            f"{lat['generate']['p50']:.0f} / {lat['generate']['p95']:.0f} | "
            f"{lat['total']['p50']:.0f} / {lat['total']['p95']:.0f} | {tokens_cell(s.get('prompt_tokens'))} |"
        )
    retrieval = report["retrieval"]
    lines += [
        "",
        "## Retrieval against gold sources (answerable questions)",
        "",
        "| mode | hit@5 | recall@1 | recall@3 | recall@5 | recall@10 | MRR |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, r in retrieval.items():
        rk = r["recall_at_k"]
        lines.append(
            f"| {mode} | {_pct(r['hit@5'])} | {_pct(rk[0])} | {_pct(rk[2])} | {_pct(rk[4])} | {_pct(rk[9])} | "
            f"{r['mrr']:.3f} |"
        )
    if default in gens:
        lines += ["", f"## Targets ({default} generator)", "", "| target | measured | met |", "|---|---|---|"]
        for what, measured, met in targets(gens[default], retrieval):
            lines.append(f"| {what} | {measured} | {'yes' if met else '**no**'} |")
        if "naive-llamaindex" in gens:
            ours = gens[default].get("accuracy_on_baseline_questions", gens[default]["accuracy"])
            naive = gens["naive-llamaindex"]["accuracy"]
            lines.append("")
            lines.append(
                f"On the {report.get('baseline_questions', report['questions'])} questions the naive LlamaIndex "
                f"baseline answered: {default} {_pct(ours)} vs baseline {_pct(naive)} "
                f"({(ours - naive) * 100:+.1f} points)."
            )
            if "score_on_baseline_questions" in gens[default]:
                ours_score = gens[default]["score_on_baseline_questions"]
                naive_score = gens["naive-llamaindex"]["score"]
                lines.append(f"Score (correct - wrong) / n on them: {default} {ours_score:+.1%} vs {naive_score:+.1%}.")
            for name, summary in gens.items():
                if "accuracy_on_baseline_questions" in summary and name != default:
                    lines.append(f"{name} on the same questions: {_pct(summary['accuracy_on_baseline_questions'])}.")
    judged = {name: s["judge"] for name, s in gens.items() if "judge" in s}
    if judged:
        model = next(iter(judged.values()))["model"]
        lines += [
            "",
            f"## LLM judge ({model}; optional, not part of the targets)",
            "",
            "llama-index's FaithfulnessEvaluator (is the answer supported by the sentences it cites?) and "
            "RelevancyEvaluator (do answer and cited sentences address the question?) on every answer that "
            "did not abstain. A judge is only as good as its model: read these beside the rule-based scores.",
            "",
            "| generator | judged | faithful | relevant | judge errors |",
            "|---|---|---|---|---|",
        ]
        for name, j in judged.items():
            faithful, relevant = _pct(j["faithfulness"]), _pct(j["relevancy"])
            lines.append(f"| {name} | {j['judged']} | {faithful} | {relevant} | {j['errors']} |")
        flagged = [p for p in predictions if p.judge_faithful is False]
        if flagged:
            lines += ["", "Judged not supported by their own citations:", ""]
            for p in flagged:
                answer = " ".join(p.answer.split())[:160].replace("|", "\\|")
                lines.append(f"- {p.generator} `{p.id}` {p.question} → {answer}")
    lines += ["", "## Misses", ""]
    for name in gens:
        misses = [p for p in predictions if p.generator.split("->")[0] == name and not p.correct]
        lines.append(f"### {name}: {len(misses)} missed")
        lines.append("")
        for p in misses:
            answer = " ".join((p.error or p.answer).split())[:220].replace("|", "\\|")
            outcome = f", {p.outcome}" if getattr(p, "outcome", "") else ""  # abstained or answered wrong
            lines.append(f"- `{p.id}` ({p.type}{outcome}) {p.question} → {answer}")
        lines.append("")
    lines += [
        "![accuracy by type](accuracy_by_type.png)",
        "",
        "![latency](latency.png)",
        "",
        "![recall@k](retrieval_recall.png)",
        "",
    ]
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")


def write_plots(report: dict[str, Any], predictions: list[Any], out: Path) -> None:
    gens = report["generators"]
    names = list(gens)
    # accuracy by type per generator
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        values = [gens[name]["by_type"].get(t, {}).get("accuracy", 0.0) * 100 for t in TYPES]
        ax.bar([x + i * width for x in range(len(TYPES))], values, width, label=name)
    ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(TYPES))], TYPES)
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Answer accuracy by question type")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "accuracy_by_type.png", dpi=110)
    plt.close(fig)
    # latency distribution
    fig, ax = plt.subplots(figsize=(7, 4))
    data = [
        [p.total_ms for p in predictions if p.generator.split("->")[0] == n and not p.error] or [0.0] for n in names
    ]
    ax.boxplot(data, tick_labels=names, showfliers=True)
    ax.set_yscale("log")
    ax.set_ylabel("total latency per question (ms, log scale)")
    ax.set_title("Latency distribution")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)
    # recall@k curves
    fig, ax = plt.subplots(figsize=(6, 4))
    for mode, r in report["retrieval"].items():
        ks = list(range(1, len(r["recall_at_k"]) + 1))
        ax.plot(ks, [v * 100 for v in r["recall_at_k"]], marker="o", label=mode)
    ax.set_xlabel("k (chunks)")
    ax.set_ylabel("recall of gold sources (%)")
    ax.set_title("Retrieval recall@k")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "retrieval_recall.png", dpi=110)
    plt.close(fig)
