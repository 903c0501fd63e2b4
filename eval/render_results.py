"""Render the "how well it works" tables of README.md and docs/ from committed reports, never by hand.

Every figure comes from a file: answer quality from the eval's ``report.json`` files in
``eval/reports/results/`` (correct / wrong / abstained, score and latency per generator), speed from the
benchmarks' JSON in ``eval/bench/results/``. ``eval/reports/results/manifest.toml`` says which rows exist,
which report each one reads and the command that reproduces it: adding a row is one line there.

    python eval/render_results.py           # rewrite the rendered blocks of README.md and docs/
    python eval/render_results.py --check   # exit 1 if a committed block differs from the reports

A rendered block sits between ``<!-- rendered:NAME -->`` and ``<!-- /rendered:NAME -->`` (NAME is
``answers`` or ``speed``); text outside the markers is never touched. Standard library only: no model
is loaded. ``tests/unit/test_results_table.py`` runs ``--check``'s logic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "eval" / "reports" / "results" / "manifest.toml"

BLOCK = re.compile(r"(<!-- rendered:(?P<name>[a-z]+) -->\n)(?P<body>.*?)(<!-- /rendered:(?P=name) -->)", re.S)


class ManifestError(ValueError):
    """The manifest names a report, set or key that is not there."""


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _dig(data: Any, dotted: str, where: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(data, dict) or key not in data:
            raise ManifestError(f"{where} has no {dotted!r}")
        data = data[key]
    return data


def _code(command: str) -> str:
    return f"`{command}`"


def render_answers(manifest: dict[str, Any], results_dir: Path) -> str:
    """The answer-quality table, one row per manifest row, then the command of each set."""
    sets: dict[str, dict[str, Any]] = manifest.get("sets", {})
    lines = [
        "| set | generator | questions | correct | wrong | abstained | score | p50 per answer |",
        "|---|---|---|---|---|---|---|---|",
    ]
    commands: dict[str, list[str]] = {}
    used: set[str] = set()
    for row in manifest.get("answers", []):
        name = row["set"]
        if name not in sets:
            raise ManifestError(f"answers row {row} names set {name!r}, which [sets] does not define")
        spec = sets[name]
        report_path = results_dir / row["report"]
        if not report_path.is_file():
            raise ManifestError(f"answers row {row} reads {report_path}, which does not exist")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        where = str(report_path.relative_to(results_dir))
        if "split" in spec and report.get("split", "all") != spec["split"]:
            raise ManifestError(f"{where} is split {report.get('split')!r}; set {name!r} wants {spec['split']!r}")
        figures = _dig(report, f"generators.{row['generator']}", where)
        outcomes = figures["outcomes"]
        n = int(figures["n"])
        c, w, a = (int(outcomes[k]) for k in ("correct", "wrong", "abstained"))
        p50 = figures.get("latency_ms", {}).get("total", {}).get("p50")
        latency = "-" if p50 is None else (f"{p50 / 1000:.1f} s" if p50 >= 1000 else f"{p50:.0f} ms")
        label = row.get("label", row["generator"])
        lines.append(
            f"| {spec['label']} | {label} | {n} | {c} ({_pct(c, n)}) | {w} ({_pct(w, n)}) | {a} ({_pct(a, n)}) "
            f"| {100 * float(figures['score']):+.1f}% | {latency} |"
        )
        command = row.get("command", spec["command"])
        if command not in commands.setdefault(spec["label"], []):
            commands[spec["label"]].append(command)
        used.add(name)
    out = ["\n".join(lines), "", "How each set was measured (the report each row reads is named in the manifest):", ""]
    for label, cmds in commands.items():
        for command in cmds:
            out.append(f"- {label}: {_code(command)}")
    missing = [spec for name, spec in sets.items() if name not in used]
    for spec in missing:
        out.append(f"- {spec['label']}: no committed report yet, so no row; to measure: {_code(spec['command'])}")
    notes = [spec["note"] for name, spec in sets.items() if name in used and "note" in spec]
    if notes:
        out.append("")
        out.extend(notes)
    return "\n".join(out) + "\n"


def render_speed(manifest: dict[str, Any], root: Path) -> str:
    """The headline speed figures, each read from a benchmark's JSON with the command that wrote it."""
    lines = ["| figure | value | read from |", "|---|---|---|"]
    commands: dict[str, str] = {}
    for row in manifest.get("speed", []):
        path = root / row["file"]
        if not path.is_file():
            raise ManifestError(f"speed row {row['figure']!r} reads {path}, which does not exist")
        data = json.loads(path.read_text(encoding="utf-8"))
        values = [_dig(data, key, row["file"]) for key in row["keys"]]
        lines.append(f"| {row['figure']} | {row['format'].format(*values)} | `{row['file']}` |")
        commands.setdefault(row["file"], row["command"])
    out = ["\n".join(lines), "", "Each file is written by:", ""]
    out.extend(f"- `{file}`: {_code(command)}" for file, command in commands.items())
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[dict[str, Any], Path], str]] = {
    "answers": lambda manifest, root: render_answers(manifest, root / "eval" / "reports" / "results"),
    "speed": render_speed,
}


def rendered(text: str, blocks: dict[str, str]) -> str:
    """``text`` with the body of every known rendered block replaced."""

    def swap(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in blocks:
            raise ManifestError(f"unknown rendered block {name!r} (known: {', '.join(blocks)})")
        return match.group(1) + blocks[name] + match.group(4)

    return BLOCK.sub(swap, text)


def stale(root: Path = ROOT, manifest_path: Path | None = None) -> list[str]:
    """The target files whose rendered blocks differ from what the reports give (empty: all in step)."""
    manifest = load_manifest(manifest_path or root / "eval" / "reports" / "results" / "manifest.toml")
    blocks = {name: render(manifest, root) for name, render in RENDERERS.items()}
    out = []
    for target in manifest["targets"]:
        text = (root / target).read_text(encoding="utf-8")
        if not BLOCK.search(text):
            out.append(f"{target} (no rendered block)")
        elif rendered(text, blocks) != text:
            out.append(target)
    return out


def write(root: Path = ROOT) -> list[str]:
    """Rewrite every target's rendered blocks; returns the files that changed."""
    manifest = load_manifest(root / "eval" / "reports" / "results" / "manifest.toml")
    blocks = {name: render(manifest, root) for name, render in RENDERERS.items()}
    changed = []
    for target in manifest["targets"]:
        path = root / target
        text = path.read_text(encoding="utf-8")
        new = rendered(text, blocks)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(target)
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a block is out of date")
    args = parser.parse_args()
    if args.check:
        out = stale()
        for target in out:
            print(f"out of date: {target} (run: python eval/render_results.py)", file=sys.stderr)
        return 1 if out else 0
    changed = write()
    print("rewrote " + ", ".join(changed) if changed else "all rendered blocks already in step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
