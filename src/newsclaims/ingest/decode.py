"""Bytes from a feed to text: BOMs, encodings, binary files and mojibake."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import ftfy
from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not a text document; the message is the reject reason."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    repaired: bool = False


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"%PDF", "PDF document"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media file"),
    (b"OggS", "Ogg media file"),
)

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes carry quote direction: claim extraction needs them
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,  # Unicode normalisation happens in normalise, where offsets are tracked
    explain=False,
)


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 from the zero bytes of ASCII-range text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


_WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman"}


def _guess_single_byte(data: bytes) -> tuple[str, str]:
    """Non-UTF-8 text: the detector's guess, preferring Windows-1252 among the Western look-alikes.

    On short English text the detector cannot tell cp1252 from cp1250 or Latin-2 (they differ in a
    few accented letters); news in Latin script is overwhelmingly cp1252/Latin-1, so that wins ties.
    """
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise DecodeError("undecodable bytes: no text encoding fits")
    names = {m.encoding for m in matches}
    if best.encoding in _WESTERN or names & {"cp1252", "latin_1"}:
        for enc in ("cp1252", "latin-1"):
            try:
                return enc.replace("-", "_"), data.decode(enc)
            except UnicodeDecodeError:
                continue
    return best.encoding, str(best)


_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html\b|<head\b|<body\b)", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^>]{0,500}>")


def _looks_like_html(text: str) -> bool:
    """A web page rather than article text: an HTML preamble, or markup making up much of the text."""
    head = text[:5000]
    if _HTML_START.match(head):
        return True
    tags = _TAG.findall(head)
    return len(tags) >= 10 and sum(map(len, tags)) > 0.2 * len(head)


def decode_bytes(data: bytes) -> Decoded:
    """Decode a document, or raise DecodeError with the reason it is not text."""
    if not data.strip():
        raise DecodeError("empty document")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(f"binary file ({what})")
    encoding = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            encoding, data = enc, data[len(bom) :]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data)
    if encoding is None:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            text = None
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid {encoding} despite its byte-order mark: {exc.reason}") from None
    if text is None:
        if data.count(0) > 0:
            raise DecodeError("binary content (NUL bytes, not a known text encoding)")
        encoding, text = _guess_single_byte(data)
    if "\x00" in text:
        # a few stray NULs are corruption in a text file; many mean it is not text at all
        if text.count("\x00") > max(16, 0.01 * len(text)):
            raise DecodeError("binary content (NUL bytes)")
        text = text.replace("\x00", "")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > 0.05 * min(len(text), 20000):
        raise DecodeError("binary content (control characters)")
    if _looks_like_html(text):
        raise DecodeError("HTML page saved as text (configure an html source for web pages)")
    fixed = fix_text(text)
    return Decoded(fixed, encoding, repaired=fixed != text)


#: a line ftfy leaves as it is: printable ASCII (no "&" that could start an HTML entity), tabs
_CLEAN_LINE = re.compile(r"[\x20-\x25\x27-\x7e\t]*\n?")


def fix_text(text: str) -> str:
    """``ftfy.fix_text`` with our config, without running ftfy on lines it cannot change.

    ftfy fixes text line by line; a line of plain printable ASCII with no "&" has no mojibake, no
    HTML entity, no control character and no odd line break, so it is kept as is (the same output,
    several times faster on English news, where most lines are such).  The loop mirrors ftfy's,
    including its rule that a "<" anywhere turns HTML unescaping off for the rest of the text.
    """
    config = _FTFY
    out = []
    pos, n = 0, len(text)
    while pos < n:
        brk = text.find("\n", pos) + 1
        if brk == 0:
            brk = n
        if brk - pos > config.max_decode_length:
            brk = pos + config.max_decode_length
        segment = text[pos:brk]
        if config.unescape_html == "auto" and "<" in segment:
            config = config._replace(unescape_html=False)
        if _CLEAN_LINE.fullmatch(segment):
            out.append(segment)
        else:
            out.append(ftfy.fix_and_explain(segment, config)[0])
        pos = brk
    return "".join(out)
