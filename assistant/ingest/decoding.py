"""Bytes -> text: UTF-8 or a BOM first, then ``charset-normalizer`` when it is confident; else refused.

Why not guess freely: a wrong guess turns an article into mojibake that is embedded, cited and
quoted as if it were the source. So a non-UTF-8 file is read only when charset-normalizer finds an
encoding under which the text is clean (little "chaos": odd characters, broken words). The
encoding is recorded on the article; citation offsets index the decoded text, not the file's bytes.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from assistant.errors import UnreadableFileError

# charset-normalizer's "mess" ratio (0 clean .. 1 noise) above which a decoding is not trusted.
# Its own default for ``best()`` is 0.2; real Latin-1 / Windows-1252 news text scores 0.0-0.05.
MAX_CHAOS = 0.1
NEAR = 0.02  # readings this close to the cleanest one are told apart by coherence, then PREFERRED
# Ties go to the legacy encodings most news text is in (HTML5 reads a latin-1 label as cp1252).
PREFERRED = ("cp1252", "iso8859-1", "iso8859-15", "cp1250", "cp1251", "koi8-r", "shift_jis", "gb18030", "big5")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Text with the encoding it was read in ("utf-8", "cp1252", ...)."""

    text: str
    encoding: str


def _normalised_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def _guess(raw: bytes, name: str) -> Decoded:
    """charset-normalizer's readings within ``NEAR`` of the cleanest; of those, the most coherent
    (its language check), then the one whose encodings include the most common legacy one.

    Why not ``best()``: a windows-1252 page with a few accents reads nearly as clean in
    mac_latin2 or cp1250 ("Hélène" -> "Hťlťne"), and ``best()`` may pick those.
    """
    from charset_normalizer import from_bytes

    readings = [m for m in from_bytes(raw) if m.chaos <= MAX_CHAOS]
    if not readings:
        raise UnreadableFileError(
            f"{name} is not UTF-8 and its encoding could not be determined with confidence; convert it to UTF-8 first."
        )
    cleanest = min(m.chaos for m in readings)

    def rank(encodings: list[str]) -> int:
        names = {_normalised_name(e) for e in encodings}
        return min((i for i, e in enumerate(PREFERRED) if e in names), default=len(PREFERRED))

    near = [m for m in readings if m.chaos <= cleanest + NEAR]
    chosen = max(near, key=lambda m: (round(m.coherence, 2), -rank(m.could_be_from_charset)))
    aliases = sorted(chosen.could_be_from_charset, key=lambda e: rank([e]))
    encoding = _normalised_name(aliases[0] if rank(aliases) < len(PREFERRED) else chosen.encoding)
    return Decoded(raw.decode(encoding), encoding)


def decode_bytes(raw: bytes, name: str, declared: str | None = None) -> Decoded:
    """Decode ``raw``: a BOM, then the ``declared`` charset (HTTP header, meta tag) when it decodes
    cleanly, then UTF-8, then charset-normalizer's confident guess. Binary data is refused."""
    if not raw.strip():
        raise UnreadableFileError(f"{name} is empty.")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return _checked(Decoded(raw.decode(encoding), encoding), name)
            except UnicodeDecodeError as err:
                raise UnreadableFileError(f"{name} starts with a {encoding} mark but is not valid {encoding}.") from err
    if b"\x00" in raw[:8192]:
        raise UnreadableFileError(f"{name} looks like a binary file, not text.")
    if declared:
        try:
            return _checked(Decoded(raw.decode(declared), _normalised_name(declared)), name)
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common on the web; fall through to the content itself
    try:
        return _checked(Decoded(raw.decode("utf-8"), "utf-8"), name)
    except UnicodeDecodeError:
        pass
    return _checked(_guess(raw, name), name)


def _checked(decoded: Decoded, name: str) -> Decoded:
    """Newlines normalised; text with many control characters is binary whatever it decoded as."""
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise UnreadableFileError(f"{name} looks like a binary file, not text.")
    if not text.strip():
        raise UnreadableFileError(f"{name} holds only whitespace.")
    return Decoded(text, decoded.encoding)
