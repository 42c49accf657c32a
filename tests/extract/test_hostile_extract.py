"""Issue 19: one document never fails a run. A body over spaCy's max_length (E088) and a failure
injected into each per-document stage -- decoding, normalising, the model, the rules -- each become
that document's reject; the other documents of the same batch are loaded."""

from __future__ import annotations

import base64
import random

import pytest
from hostile import ARTICLES  # noqa: E402

from newsclaims.extract import batch as extract  # noqa: E402
from newsclaims.ingest import stage as ingest_stage
from newsclaims.load import database  # noqa: E402
from newsclaims.pipeline import run_local  # noqa: E402
from newsclaims.settings import Warehouse  # noqa: E402


@pytest.fixture(autouse=True)
def _one_process(monkeypatch):
    monkeypatch.setenv(extract.ENV_PROCESSES, "1")


def rows(wh, sql):
    return database.query(wh, sql)[1]


def test_a_body_over_the_models_max_length_is_a_reject_not_a_failed_run(tmp_path):
    rng = random.Random(7)
    attachment = base64.encodebytes(
        bytes(rng.getrandbits(8) for _ in range(800_000))
    ).decode()  # 1.08 M chars
    feed = tmp_path / "feed"
    feed.mkdir()
    english = "\n\n".join(ARTICLES[:4])  # enough prose before the attachment to be told English
    (feed / "attachment.txt").write_text(f"Annual report\n\n{english}\n\n{attachment}")
    (feed / "fine.txt").write_text(
        "Library\n\nThe library will open a new reading room for children, "
        "the librarian, Mara Holt, said on Friday.\n"
    )
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    wh = Warehouse.resolve(tmp_path / "wh")
    summary = run_local(tmp_path / "s.toml", wh)
    assert summary.n_articles == 1 and rows(wh, "SELECT raw_path FROM articles") == [("feed/fine.txt",)]
    ((path, stage, reason),) = rows(wh, "SELECT raw_path, stage, reason FROM rejects")
    assert (path, stage) == ("feed/attachment.txt", "extract")
    assert "over the model's limit of 1000000 (spaCy max_length)" in reason
    assert rows(wh, "SELECT language FROM articles") == [("en",)]
    assert run_local(tmp_path / "s.toml", wh).n_articles == 0  # the next run is not stuck on it either


def _failing_model():
    """The pipeline's real model with one more real component that fails on a marked document."""
    from spacy.language import Language

    if "newsclaims_test_fail" not in Language.factories:

        @Language.component("newsclaims_test_fail")
        def fail(doc):
            if "MARKMODEL" in doc.text:
                raise RuntimeError("injected model failure")
            return doc

    nlp = extract.load_pipeline_nlp()
    nlp.add_pipe("newsclaims_test_fail", last=True)
    return nlp


def test_a_failure_in_any_per_document_stage_costs_that_document_only(tmp_path, monkeypatch):
    feed = tmp_path / "feed"
    feed.mkdir()
    marks = {"decode": "MARKDECODE", "normalise": "MARKNORM", "model": "MARKMODEL", "rules": "MARKRULES"}
    for i, (stage, mark) in enumerate(marks.items()):
        (feed / f"{stage}.txt").write_text(f"Story {stage}\n\n{ARTICLES[i]} {mark}\n")
    (feed / "zz_fine.txt").write_text(
        "Fine\n\nThe library will open a new reading room for children, "
        "the librarian, Mara Holt, said on Friday.\n"
    )

    real_decode, real_normalise, real_records = (
        ingest_stage.decode_bytes,
        ingest_stage.normalise,
        extract.article_records,
    )

    def decode(data, *a, **k):
        if b"MARKDECODE" in data:
            raise RuntimeError("injected decode failure")
        return real_decode(data, *a, **k)

    def normalise(text, *a, **k):
        if "MARKNORM" in text:
            raise RuntimeError("injected normalise failure")
        return real_normalise(text, *a, **k)

    def records(article, doc, kb, lex):
        if "MARKRULES" in article.body:
            raise RuntimeError("injected rules failure")
        return real_records(article, doc, kb, lex)

    model = _failing_model()
    monkeypatch.setattr(ingest_stage, "decode_bytes", decode)
    monkeypatch.setattr(ingest_stage, "normalise", normalise)
    monkeypatch.setattr(extract, "article_records", records)
    monkeypatch.setattr(extract, "load_pipeline_nlp", lambda: model)
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    wh = Warehouse.resolve(tmp_path / "wh")
    summary = run_local(tmp_path / "s.toml", wh)
    assert rows(wh, "SELECT raw_path, stage, reason FROM rejects ORDER BY raw_path") == [
        ("feed/decode.txt", "decode", "RuntimeError: injected decode failure"),
        ("feed/model.txt", "extract", "model: RuntimeError: injected model failure"),
        ("feed/normalise.txt", "normalise", "RuntimeError: injected normalise failure"),
        ("feed/rules.txt", "extract", "rules: RuntimeError: injected rules failure"),
    ]
    assert summary.n_articles == 1 and rows(wh, "SELECT raw_path FROM articles") == [("feed/zz_fine.txt",)]
    assert rows(wh, "SELECT count(*) FROM mentions")[0][0] > 0  # the batch around the failures was extracted
