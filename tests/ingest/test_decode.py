import codecs

import pytest

from newsclaims.ingest.decode import DecodeError, decode_bytes

TEXT = "Lavrov said “we won’t allow it” — a café in Zürich."


@pytest.mark.parametrize(
    "data,encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16-le"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings_and_boms(data, encoding):
    d = decode_bytes(data)
    assert d.text == TEXT and d.encoding == encoding


def test_latin1_and_cp1252():
    text = "Le ministre a déclaré que la réunion était terminée à Genève, près du café."
    assert decode_bytes(text.encode("latin-1")).text == text
    assert decode_bytes("He said “no” – twice.".encode("cp1252")).text == "He said “no” – twice."


def test_mojibake_repaired_but_curly_quotes_kept():
    broken = TEXT.encode("utf-8").decode("latin-1").encode("utf-8")
    d = decode_bytes(broken)
    assert d.text == TEXT and d.repaired


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
        (b"PK\x03\x04" + bytes(50), "ZIP"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_not_text_is_a_clear_error(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


FTFY_CASES = [
    "Plain ASCII line\nAnother one\n",
    "Caf\u00c3\u00a9 and na\u00c3\u00afve\nclean line\n",  # mojibake on one line
    "Fish &amp; chips\nTom &amp; Jerry\n",
    "a <b>tag</b> line\nthen &amp; stays\n",  # a "<" turns HTML unescaping off for what follows
    "Windows\r\nline breaks\r\n",
    "control\x07char\nand\x1b[31m colour\n",
    "no trailing newline \u2019curly\u2019",
    "\ttabbed\n\n\nblank lines\n",
    "The Weso\u00c2\u00a0Online menu | News\n",
]


@pytest.mark.parametrize("text", FTFY_CASES)
def test_fix_text_fast_path_matches_ftfy(text):
    import ftfy

    from newsclaims.ingest.decode import _FTFY, fix_text

    assert fix_text(text) == ftfy.fix_text(text, config=_FTFY)
