"""Near-duplicates in the real pipeline: an edited, re-wrapped or truncated copy of a kept article is
recorded against it (method 'near') and not extracted again, in the same run or a later one."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import REPO

from newsclaims.load import database
from newsclaims.pipeline import run_local
from newsclaims.settings import Warehouse


def _feed(root):
    (root / "raw").mkdir(parents=True)
    for f in (REPO / "seeds" / "raw").glob("*.txt"):
        shutil.copy(f, root / "raw")
    (root / "sources.toml").write_text('[[sources]]\nname = "s"\nkind = "text_dir"\npath = "raw"\n')
    return root / "sources.toml"


def _tass(root):
    return next(p for p in (root / "raw").glob("*.txt") if "/TASS/" in p.read_text())


def test_edited_and_truncated_copies_are_near_duplicates(tmp_path):
    sources = _feed(tmp_path)
    text = _tass(tmp_path).read_text()
    # a syndicated copy with other page furniture and two edited words
    (tmp_path / "raw" / "z_syndicated.txt").write_text(
        "Home | World | Politics\n\n"
        + text.replace("emphasized", "stressed").replace("Friday", "Friday morning")
        + "\n\nShare this article\n"
    )
    # an excerpt: the first two thirds
    paras = text.split("\n\n")
    (tmp_path / "raw" / "z_excerpt.txt").write_text("\n\n".join(paras[: 2 * len(paras) // 3]))
    wh = Warehouse.resolve(tmp_path / "wh")
    summary = run_local(sources, wh)
    assert summary.n_articles == 2 and summary.n_duplicates == 2
    tass_id = database.query(wh, "SELECT article_id FROM articles WHERE outlet = 'TASS'")[1][0][0]
    rows = database.query(
        wh, "SELECT raw_path, duplicate_of, method, similarity FROM duplicates ORDER BY raw_path"
    )[1]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("raw/z_excerpt.txt", tass_id, "near"),
        ("raw/z_syndicated.txt", tass_id, "near"),
    ]
    sims = {r[0]: r[3] for r in rows}
    assert 0.7 <= sims["raw/z_syndicated.txt"] < 1.0  # edited words lower the similarity
    assert sims["raw/z_excerpt.txt"] >= 0.7  # an excerpt is contained in the original
    # not extracted again: no claims or mentions hang off the copies
    assert database.query(wh, "SELECT count(DISTINCT article_id) FROM claims")[1][0][0] == 2
    # the copies' outlet counts as carrying the story
    assert database.query(wh, "SELECT n_articles FROM stories")[1] == [(2,)]


def test_a_later_run_finds_near_duplicates_of_earlier_articles_even_without_the_saved_index(tmp_path):
    sources = _feed(tmp_path)
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(sources, wh)
    index = wh.root / "state" / "neardup.idx"
    assert index.exists()
    index.unlink()  # lost or stale: rebuilt from the warehouse
    text = _tass(tmp_path).read_text()
    (tmp_path / "raw" / "later_copy.txt").write_text(text.replace("emphasized", "underlined"))
    second = run_local(sources, wh)
    assert second.n_articles == 0 and second.n_duplicates == 1
    assert database.query(wh, "SELECT method FROM duplicates")[1] == [("near",)]


def test_threshold_and_shingle_size_are_settings(tmp_path, monkeypatch):
    sources = _feed(tmp_path)
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(sources, wh)
    text = _tass(tmp_path).read_text()
    # a copy with a fifth of its paragraphs dropped and a few words edited
    paras = text.split("\n\n")
    edited = "\n\n".join(p for i, p in enumerate(paras) if i % 5 != 3).replace("emphasized", "stressed")
    (tmp_path / "raw" / "later_copy.txt").write_text(edited)
    # 4-word shingles: the saved index (5-word) no longer fits and is rebuilt; a strict threshold
    # makes the edited copy a new article rather than a near-duplicate
    monkeypatch.setenv("NEWSCLAIMS_NEARDUP_SHINGLE_SIZE", "4")
    monkeypatch.setenv("NEWSCLAIMS_NEARDUP_THRESHOLD", "0.999")
    strict = run_local(sources, wh)
    assert strict.n_articles == 1 and strict.n_duplicates == 0
    stamp = json.loads((wh.root / "state" / "neardup.json").read_text())
    assert stamp["config"]["shingle_size"] == 4


def test_bad_neardup_setting_is_a_clear_error(tmp_path, monkeypatch):
    sources = _feed(tmp_path)
    monkeypatch.setenv("NEWSCLAIMS_NEARDUP_THRESHOLD", "high")
    with pytest.raises(ValueError, match="NEWSCLAIMS_NEARDUP_THRESHOLD must be a number"):
        run_local(sources, Warehouse.resolve(tmp_path / "wh"))
