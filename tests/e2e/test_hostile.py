"""A corpus of hostile inputs: every document lands in articles or in rejects with a specific reason,
the run completes, and the good documents beside them are all loaded."""

from __future__ import annotations

import io
import zipfile

import pytest

from newsclaims.load import database
from newsclaims.pipeline import run_local
from newsclaims.settings import Warehouse

GOOD = (
    "Health Minister Clara Dunne said on Tuesday that the new clinic in Dorset will open next spring. "
    "“We have waited long enough,” Dunne told reporters after the council meeting."
)
#: distinct stories, so that the decoded cases are not near-duplicates of one another
STORIES = [
    "Mayor Lina Ortiz said the city will plant four thousand trees along the river before autumn.",
    "The rail operator announced that night trains to the coast will resume in June, officials said.",
    "Farmers in the valley reported a record apple harvest, the cooperative chairman told the paper.",
    "A museum in the old port will open a gallery of ship models next month, its director said.",
    "Police said the bridge on the northern road will stay closed for repairs until the weekend.",
    "The university confirmed that its new library will be named after a local poet and teacher.",
    "Swimmers crossed the cold lake in a charity race on Sunday, raising money for the hospital.",
    "The bakery on Hill Street won the national bread prize, the judges announced on Friday.",
]


def story(i: int) -> str:
    return (
        f"Local news {i}\n\n{STORIES[i]} " + GOOD.replace("clinic", "surgery")
        if i == 0
        else f"Local news {i}\n\n{STORIES[i]} Residents welcomed the plan at a meeting on Monday evening, "
        f"and the council promised to publish the details in the next bulletin."
    )


FRENCH = (
    "Le ministre de la Santé a déclaré mardi que la nouvelle clinique ouvrira au printemps prochain. "
    "« Nous avons assez attendu », a-t-il dit aux journalistes après la réunion du conseil municipal."
)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    return buf.getvalue()


CASES: dict[str, tuple[bytes, str]] = {
    # name: (bytes, expected outcome: "article" or a fragment of the reject reason)
    "good_utf8.txt": (("City budget passes\n\n" + GOOD).encode(), "article"),
    "empty.txt": (b"", "empty document"),
    "whitespace.txt": (b"  \n\n\t  \n", "empty document"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "PNG image"),
    "archive.txt": (_zip(), "ZIP archive"),
    "random_binary.txt": (bytes(range(256)) * 40, "binary"),
    "invalid_utf8.txt": ((story(1) + " Café.").encode("latin-1") + b"\xff\xfe\xfa", "article"),
    "latin1.txt": ((story(2) + " Café Zoë opened.").encode("latin-1"), "article"),
    "utf16_bom.txt": (story(3).encode("utf-16"), "article"),
    "utf16_nobom.txt": (story(4).encode("utf-16-le"), "article"),
    "nul_bytes.txt": (story(5).encode().replace(b" ", b" \x00", 3), "article"),
    "zero_width_bidi.txt": (
        story(6).replace("river", "ri\u200bver").replace("Monday", "\u202eMonday\u202c").encode(),
        "article",
    ),
    "huge_single_line.txt": (b"word " * 10_500_000, "over the limit"),
    "long_sentence.txt": (
        ("Long sentence\n\n" + "The council said " + "and then " * 11_000 + "it ended.").encode(),
        "article",
    ),
    "unbalanced_quotes.txt": (
        (
            "Quotes\n\n“He said “nested “quotes and ”stray marks” everywhere, Mayor Jo Pike said. "
            '"Unclosed straight quote, she added.\n\n“Another paragraph without end'
        ).encode(),
        "article",
    ),
    "page.txt": (
        b"<!DOCTYPE html><html><head><title>x</title></head><body><p>"
        + GOOD.encode()
        + b"</p></body></html>",
        "HTML",
    ),
    "french.txt": (("Nouvelles du conseil\n\n" + FRENCH).encode(), "article"),
    "too_short.txt": (b"Just three words", "no article text"),
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    feed = root / "feed"
    feed.mkdir()
    for name, (data, _) in CASES.items():
        (feed / name).write_bytes(data)
    (feed / "vanished.txt").symlink_to(root / "does-not-exist.txt")
    (root / "sources.toml").write_text(
        '[[sources]]\nname = "hostile"\nkind = "text_dir"\npath = "feed"\nmax_bytes = 20000000\n'
    )
    wh = Warehouse.resolve(root / "wh")
    summary = run_local(root / "sources.toml", wh)
    return summary, wh


def test_every_case_lands_or_is_rejected_with_its_reason(hostile_run):
    summary, wh = hostile_run
    articles = {r[0] for r in database.query(wh, "SELECT raw_path FROM articles")[1]}
    rejects = dict(database.query(wh, "SELECT raw_path, reason FROM rejects")[1])
    assert summary.n_documents == len(CASES) + 1
    for name, (_, expected) in CASES.items():
        path = f"feed/{name}"
        if expected == "article":
            assert path in articles, (name, rejects.get(path))
        else:
            assert path in rejects and expected in rejects[path], (name, rejects.get(path))
    assert "vanished" in rejects["feed/vanished.txt"]
    assert len(articles) + len(rejects) == len(CASES) + 1


def test_good_documents_extracted_and_foreign_language_stored_not_extracted(hostile_run):
    _, wh = hostile_run
    rows = database.query(
        wh,
        """SELECT a.raw_path, a.language, count(c.claim_id) FROM articles a
                          LEFT JOIN claims c USING (article_id) GROUP BY ALL""",
    )[1]
    by_path = {r[0]: (r[1], r[2]) for r in rows}
    assert by_path["feed/good_utf8.txt"] == ("en", 2)
    assert by_path["feed/french.txt"] == ("fr", 0)


def test_bodies_are_clean(hostile_run):
    _, wh = hostile_run
    for path, body in database.query(wh, "SELECT raw_path, body FROM articles")[1]:
        assert "\x00" not in body and "\u200b" not in body and "\u202e" not in body, path


def test_per_document_limits_are_configurable(tmp_path, monkeypatch):
    import time as _time

    from newsclaims.extract import batch as extract

    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "long.txt").write_text(story(1) + " " + " ".join(["word"] * 300))
    (feed / "slow.txt").write_text(story(2))
    (feed / "fine.txt").write_text(story(3))
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    monkeypatch.setenv(extract.ENV_MAX_WORDS, "200")
    monkeypatch.setenv(extract.ENV_DOC_SECONDS, "1")
    monkeypatch.setenv(extract.ENV_PROCESSES, "1")
    real = extract.article_records

    def slow_for_one(article, doc, kb, lex):
        if article.raw_path.endswith("slow.txt"):
            _time.sleep(5)
        return real(article, doc, kb, lex)

    monkeypatch.setattr(extract, "article_records", slow_for_one)
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(tmp_path / "s.toml", wh)
    rejects = dict(database.query(wh, "SELECT raw_path, reason FROM rejects")[1])
    assert "over the extraction limit of 200" in rejects["feed/long.txt"]
    assert "longer than 1 s" in rejects["feed/slow.txt"]
    assert database.query(wh, "SELECT raw_path FROM articles")[1] == [("feed/fine.txt",)]


def test_seconds_limit_also_stops_rules_running_in_a_worker_thread():
    """Dask runs extraction in worker threads, where no signal arrives: the limit still holds."""
    import threading
    import time

    from newsclaims.extract.batch import DocumentTimeout, _time_limit

    outcome = {}

    def busy_rules():
        started = time.perf_counter()
        try:
            with _time_limit(0.3):
                while time.perf_counter() - started < 10:  # pure-Python work that never ends in time
                    sum(range(1000))
            outcome["result"] = "finished"
        except DocumentTimeout as exc:
            outcome["result"] = str(exc)
        outcome["seconds"] = time.perf_counter() - started
        time.sleep(0.5)  # nothing fires after the block has ended
        outcome["after"] = "clean"

    worker = threading.Thread(target=busy_rules)
    worker.start()
    worker.join(15)
    assert outcome["result"] == "extraction took longer than 0.3 s"
    assert outcome["seconds"] < 3
    assert outcome["after"] == "clean"
