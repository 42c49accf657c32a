"""``newsclaims sources list / check / add / reset`` (the typer sub-app, called directly)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from newsclaims.cli.sources import sources_app
from newsclaims.ingest.state import SourceState, read_state

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args):
    return runner.invoke(sources_app, [str(a) for a in args], env={"COLUMNS": "200"})


def test_check_on_the_seeds_shows_outlet_date_and_title(tmp_path):
    before = sorted(p.name for p in (REPO / "seeds").rglob("*"))
    res = invoke("check", "seeds", "--sources", REPO / "seeds/sources.toml")
    assert res.exit_code == 0, res.output
    out = res.output
    tass, mt = out.split("raw/001_")[0], out.split("raw/001_")[1]
    assert "outlet: TASS" in tass and "date: 2022-01-28" in tass
    assert (
        "title: Russia doesn’t want war, yet won’t allow its interests to be disregarded, Lavrov insists"
        in tass
    )
    assert "Russia is not interested in a war" in tass
    assert "outlet: The Moscow Times" in mt and "date: 2022-01-28" in mt
    assert "title: Russia Not to Blame if War Breaks Out, Lavrov Says" in mt
    assert "nothing was written" in out
    assert sorted(p.name for p in (REPO / "seeds").rglob("*")) == before


def test_add_writes_a_valid_block_and_refuses_invalid_ones(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('# our feeds\n[[sources]]\nname = "a"\nkind = "text_dir"\npath = "raw"\n')
    res = invoke(
        "add",
        "--sources",
        sources,
        "--name",
        "wire",
        "--kind",
        "jsonl",
        "--path",
        "wire.jsonl",
        "--outlet",
        "Wire Service",
        "--set",
        "fields.text=body",
        "--set",
        "require_date=true",
    )
    assert res.exit_code == 0, res.output
    text = sources.read_text()
    assert text.startswith("# our feeds\n")  # comments and existing blocks are kept
    data = tomllib.loads(text)
    assert data["sources"][1] == {
        "name": "wire",
        "kind": "jsonl",
        "path": "wire.jsonl",
        "outlet": "Wire Service",
        "fields": {"text": "body"},
        "require_date": True,
    }
    for args, field in [
        (["--name", "b", "--kind", "rss", "--url", "file:///etc/passwd"], "url"),
        (["--name", "a", "--kind", "text_dir", "--path", "raw"], "name"),
        (["--name", "c", "--kind", "rss", "--url", "http://x.example/f", "--schedule", "soon"], "schedule"),
    ]:
        res = invoke("add", "--sources", sources, *args)
        assert res.exit_code == 2 and field in res.output and "sources.toml" in res.output, res.output
    assert sources.read_text() == text
    assert not list(tmp_path.glob(".*.tmp"))


def test_list_and_reset(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[pipeline]\nschedule = "0 * * * *"\n\n[[sources]]\nname = "feed"\nkind = "rss"\n'
        'url = "https://news.example/rss.xml"\nschedule = "*/15 * * * *"\n'
    )
    wh = tmp_path / "wh"
    st = SourceState("feed", wh, "r1")
    st.mark_seen("id:1")
    st.commit()
    res = invoke("list", "--sources", sources, "--warehouse", wh)
    assert res.exit_code == 0, res.output
    assert (
        "feed" in res.output and "https://news.example/rss.xml" in res.output and "*/15 * * * *" in res.output
    )
    assert "pipeline schedule: 0 * * * *" in res.output
    res = invoke("reset", "feed", "--sources", sources, "--warehouse", wh)
    assert res.exit_code == 0 and "reset" in res.output, res.output
    assert read_state(wh, "feed") == {}
    assert invoke("reset", "nope", "--sources", sources, "--warehouse", wh).exit_code == 2


def test_invalid_sources_file_is_a_message_not_a_traceback(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "bad"\nkind = "html"\nurls = ["ftp://x/y"]\n')
    res = invoke("list", "--sources", sources)
    assert res.exit_code == 2
    assert "sources.toml" in res.output and "'bad'" in res.output and "urls" in res.output
    assert "Traceback" not in res.output
