"""A windows-1252 article end to end: indexed, the encoding stored, cited with offsets into the
decoded text, and the source card and CLI saying so (real embedding model and Chroma)."""

from __future__ import annotations

from pathlib import Path

from assistant import Assistant
from assistant.serve.render import sources_html

TEXT = (
    "Crew-12 docks with the station\n\n"
    "The Crew-12 capsule docked with the International Space Station on February 14, 2026, "
    "the agency’s flight director, Hélène Dubois, said in Houston – two hours ahead of schedule.\n"
)


def test_cp1252_file_is_indexed_with_its_encoding_and_cited_by_decoded_offsets(
    fresh_bot: Assistant, tmp_path: Path
) -> None:
    folder = tmp_path / "legacy"
    folder.mkdir()
    (folder / "cafe.txt").write_bytes(TEXT.encode("cp1252"))
    (folder / "plain.txt").write_text("Starliner slipped to September 2026, Boeing said on Tuesday.", encoding="utf-8")
    report = fresh_bot.ingest(folder, progress=False)
    assert sorted(report.added) == ["cafe.txt", "plain.txt"] and not report.errors
    chunks = {c.file: c for c in fresh_bot.store.iter_chunks()}
    assert chunks["cafe.txt"].encoding == "cp1252" and chunks["plain.txt"].encoding is None

    answer = fresh_bot.ask("Who is the flight director who spoke about the Crew-12 docking?")
    cited = [c for c in answer.citations if c.file == "cafe.txt"]
    assert cited, answer.text
    assert TEXT.replace("\r\n", "\n")[cited[0].start : cited[0].end] == cited[0].quote
    card = sources_html(answer)
    assert "decoded from cp1252; character offsets index the decoded text" in card
    # An unchanged legacy file is unchanged on the next ingest (its hash is of the decoded text).
    assert fresh_bot.ingest(folder, progress=False).unchanged == ["cafe.txt", "plain.txt"]
