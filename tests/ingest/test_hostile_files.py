"""Issue 18/19, file sources: only regular files are read (a FIFO, a device), paths outside the
sources file's folder are refused unless opted in, an absolute glob is a one-line config error, and a
source that cannot be read is a recorded failure of that source while the others load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import ARTICLES, bounded, files_containing  # noqa: E402

from newsclaims.ingest.sources.registry import SourcesFileError, load_sources  # noqa: E402
from newsclaims.load import database  # noqa: E402
from newsclaims.pipeline import run_local  # noqa: E402
from newsclaims.settings import Warehouse  # noqa: E402


@pytest.fixture(autouse=True)
def _one_process(monkeypatch):
    monkeypatch.setenv("NEWSCLAIMS_NLP_PROCESSES", "1")


def good_folder(root: Path, name: str = "good", i: int = 0) -> None:
    (root / name).mkdir(parents=True, exist_ok=True)
    (root / name / "a.txt").write_text(f"Story {i}\n\n{ARTICLES[i]}\n", encoding="utf-8")


def rows(wh, sql, params=None):
    return database.query(wh, sql, params)[1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_a_text_dir_is_skipped_with_a_reason_and_the_run_ends(tmp_path):
    good_folder(tmp_path, "feed", 0)
    os.mkfifo(tmp_path / "feed" / "pipe.txt")  # nobody ever writes it: reading would block forever
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    wh = Warehouse.resolve(tmp_path / "wh")
    summary = bounded(lambda: run_local(tmp_path / "s.toml", wh), 120)
    assert summary.n_articles == 1
    assert rows(wh, "SELECT raw_path, stage, reason FROM rejects") == [
        ("feed/pipe.txt", "read", "skipped: a FIFO (named pipe), not a regular file")
    ]
    assert rows(wh, "SELECT raw_path FROM articles") == [("feed/a.txt",)]


def test_devices_are_skipped_even_when_the_user_opts_into_an_outside_path(tmp_path):
    good_folder(tmp_path)
    (tmp_path / "s.toml").write_text(
        '[[sources]]\nname = "dev"\nkind = "text_dir"\npath = "/dev"\nglob = "zero"\nallow_outside = true\n\n'
        '[[sources]]\nname = "good"\nkind = "text_dir"\npath = "good"\n'
    )
    wh = Warehouse.resolve(tmp_path / "wh")
    summary = bounded(lambda: run_local(tmp_path / "s.toml", wh), 120)  # /dev/zero never ends
    assert summary.n_articles == 1
    assert rows(wh, "SELECT raw_path, reason FROM rejects WHERE feed = 'dev'") == [
        ("/dev/zero", "skipped: a character device, not a regular file")
    ]


def test_a_path_outside_the_sources_folder_is_refused_and_the_others_load(tmp_path):
    good_folder(tmp_path)
    (tmp_path / "s.toml").write_text(
        '[[sources]]\nname = "etc"\nkind = "text_dir"\npath = "../../../../../../../../etc"\nglob = "passwd"\n\n'
        '[[sources]]\nname = "good"\nkind = "text_dir"\npath = "good"\n'
    )
    wh = Warehouse.resolve(tmp_path / "wh")
    summary = run_local(tmp_path / "s.toml", wh)
    assert summary.n_articles == 1 and list(summary.source_failures) == ["etc"]
    assert "outside the sources file's folder" in summary.source_failures["etc"]
    assert "allow_outside = true" in summary.source_failures["etc"]
    assert rows(wh, "SELECT feed FROM articles") == [("good",)]
    assert not files_containing(tmp_path / "wh", b"root:x:0:0")  # /etc/passwd stored nowhere


def test_an_absolute_glob_is_a_one_line_config_error(tmp_path):
    (tmp_path / "s.toml").write_text(
        '[[sources]]\nname = "x"\nkind = "text_dir"\npath = "."\nglob = "/etc/*"\n'
    )
    with pytest.raises(SourcesFileError) as info:
        load_sources(tmp_path / "s.toml")
    msg = str(info.value)
    assert "\n" not in msg and "field 'glob'" in msg and "not absolute" in msg


def test_a_missing_folder_is_a_recorded_failure_of_that_source_and_the_others_load(tmp_path):
    from typer.testing import CliRunner

    from newsclaims.cli.main import app

    good_folder(tmp_path)
    (tmp_path / "s.toml").write_text(
        '[[sources]]\nname = "gone"\nkind = "text_dir"\npath = "no/such/folder"\n\n'
        '[[sources]]\nname = "good"\nkind = "text_dir"\npath = "good"\n'
    )
    wh = Warehouse.resolve(tmp_path / "wh")
    first = run_local(tmp_path / "s.toml", wh)
    assert first.n_articles == 1 and "does not exist" in first.source_failures["gone"]
    second = run_local(tmp_path / "s.toml", wh)  # every later run goes on too, and records it again
    assert second.source_failures == first.source_failures
    assert rows(wh, "SELECT run_id, source FROM source_failures ORDER BY failed_at") == [
        (first.run_id, "gone"),
        (second.run_id, "gone"),
    ]
    assert rows(wh, "SELECT stage, count(*) FROM rejects WHERE feed = 'gone' GROUP BY stage") == [
        ("source", 2)
    ]
    listing = CliRunner().invoke(
        app,
        ["sources", "list", "--sources", str(tmp_path / "s.toml"), "--warehouse", str(tmp_path / "wh")],
        env={"COLUMNS": "200"},
    )
    assert listing.exit_code == 0, listing.output
    assert (
        "gone: could not be read in the latest run" in listing.output and "does not exist" in listing.output
    )
    report = CliRunner().invoke(
        app,
        ["report", "run", "--warehouse", str(tmp_path / "wh"), "--format", "term"],
        env={"COLUMNS": "200"},
    )
    assert report.exit_code == 0, report.output
    assert "does not exist" in report.output
