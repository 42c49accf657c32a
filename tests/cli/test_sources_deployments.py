"""Deployments from the sources file: names and cron schedules, without waiting for one to fire."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import yaml

from newsclaims.deployments import build_deployments, deployment_specs

REPO = Path(__file__).resolve().parents[2]

SOURCES = """
[pipeline]
schedule = "0 6 * * *"

[[sources]]
name = "harbour"
kind = "rss"
url = "https://harbour.example/world.xml"
schedule = "*/30 * * * *"

[[sources]]
name = "wire"
kind = "jsonl"
path = "wire.jsonl"

[[sources]]
name = "paused"
kind = "rss"
url = "https://paused.example/rss.xml"
schedule = "0 * * * *"
enabled = false
"""


def test_specs_name_and_schedule_every_deployment(tmp_path):
    f = tmp_path / "sources.toml"
    f.write_text(SOURCES)
    specs = {s.name: s for s in deployment_specs(f, tmp_path / "wh")}
    assert {n: s.cron for n, s in specs.items()} == {
        "pipeline": "0 6 * * *",
        "source-harbour": "*/30 * * * *",
    }
    assert specs["source-harbour"].parameters == {
        "sources_file": str(f),
        "warehouse": str(tmp_path / "wh"),
        "only": ["harbour"],
    }
    assert "only" not in specs["pipeline"].parameters


def test_build_prefect_deployments(tmp_path):
    from newsclaims.flows.pipeline import pipeline

    f = tmp_path / "sources.toml"
    f.write_text(SOURCES)
    if "only" not in inspect.signature(pipeline.fn).parameters:
        with pytest.raises(RuntimeError, match="'only' parameter"):
            build_deployments(f)
        f.write_text(SOURCES.replace('schedule = "*/30 * * * *"', ""))
        expected = {"pipeline": ["0 6 * * *"]}
    else:
        expected = {"pipeline": ["0 6 * * *"], "source-harbour": ["*/30 * * * *"]}
    deps = build_deployments(f, tmp_path / "wh")
    got = {d.name: [s.schedule.cron for s in d.schedules] for d in deps}
    assert got == expected
    assert all(d.flow_name == "newsclaims-pipeline" for d in deps)
    assert all(s.schedule.timezone == "UTC" for d in deps for s in d.schedules)
    assert deps[0].parameters["sources_file"] == str(f)


def test_prefect_yaml_points_at_the_flow_with_valid_crons():
    from newsclaims.ingest.sources.base import validate_cron

    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    assert spec["deployments"]
    for d in spec["deployments"]:
        path, _, func = d["entrypoint"].partition(":")
        assert (REPO / path).is_file() and f"def {func}(" in (REPO / path).read_text()
        assert d["work_pool"]["name"]
        for s in d.get("schedules") or []:
            validate_cron(s["cron"])
