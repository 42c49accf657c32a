"""Incremental state (committed only after the load) and the plug-in seam (entry points)."""

from __future__ import annotations

import importlib
import sys
import textwrap

from newsclaims.ingest.sources.registry import load_sources
from newsclaims.ingest.state import (
    SourceState,
    bind_state,
    commit_pending,
    read_state,
    reset_source,
    stage_pending,
)


class _Src:
    def __init__(self, name):
        self.name = name


def test_state_is_committed_only_after_the_load(tmp_path):
    wh = tmp_path / "wh"
    a = _Src("a")
    bind_state([a], wh, "r1")
    a.state.mark_seen("id:1", "sha")
    a.state.set_http("https://x.example/f", '"e1"', None)
    stage_pending([a])
    assert read_state(wh, "a") == {}  # staged, not effective (a crash here loses nothing)
    bind_state([a], wh, "r2")  # the next run ...
    assert not a.state.is_seen("id:1")
    a.state.mark_seen("id:2")
    stage_pending([a])
    assert commit_pending(wh, "r2") == ["a"]  # ... commits its own updates, drops r1's
    st = read_state(wh, "a")
    assert set(st["seen"]) == {"id:2"} and st["run_id"] == "r2"
    assert not list((wh / "state").glob("*.pending-*"))
    b = SourceState("a", wh, "r3")
    assert b.is_seen("id:2") and b.http_validators("https://x.example/f") == {}
    assert reset_source(wh, "a") and read_state(wh, "a") == {}


def test_plugin_kind_through_entry_points(tmp_path, monkeypatch):
    pkg = tmp_path / "site"
    (pkg / "nc_plugin_demo").mkdir(parents=True)
    (pkg / "nc_plugin_demo" / "__init__.py").write_text(
        textwrap.dedent("""
        from newsclaims.ingest.sources._template import LinesSource
        class Lines(LinesSource):
            pass
    """)
    )
    dist = pkg / "nc_plugin_demo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: nc-plugin-demo\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[newsclaims.ingest.sources]\nlines = nc_plugin_demo:Lines\n")
    monkeypatch.syspath_prepend(str(pkg))
    importlib.invalidate_caches()
    (tmp_path / "lines.txt").write_text(
        "The mayor said the new bridge would open next spring, officials said.\nshort\n"
    )
    sf = tmp_path / "sources.toml"
    sf.write_text('[[sources]]\nname = "l"\nkind = "lines"\npath = "lines.txt"\n')
    src = load_sources(sf).get("l")
    docs = list(src.documents())
    assert [d.error for d in docs] == [None, "line 2 is too short"]
    assert docs[0].metadata["title"].startswith("The mayor said")
    sys.modules.pop("nc_plugin_demo", None)
