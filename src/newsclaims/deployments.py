"""Prefect deployments from the sources file's schedules.

* ``[pipeline] schedule = "0 * * * *"`` → deployment ``newsclaims-pipeline/pipeline`` running every
  enabled source (always built; without a schedule it only runs when triggered from the UI / CLI).
* ``schedule = "*/15 * * * *"`` in a ``[[sources]]`` block → deployment
  ``newsclaims-pipeline/source-<name>`` running that source alone (``only = [name]``).

``newsclaims serve`` serves them (``prefect.serve``) in one long-running process; ``prefect.yaml``
at the repository root is the work-pool route (``prefect deploy``).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from newsclaims.ingest.sources.registry import load_sources

PIPELINE_DEPLOYMENT = "pipeline"
TIMEZONE = "UTC"


@dataclass
class DeploymentSpec:
    """What a deployment is, independent of Prefect (tests and ``sources list`` read these)."""

    name: str
    cron: Optional[str]
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    tags: list[str] = field(default_factory=list)


def deployment_specs(
    sources_file: str | Path, warehouse: Optional[str | Path] = None
) -> list[DeploymentSpec]:
    sources_file = Path(sources_file).resolve()
    sf = load_sources(sources_file)
    base: dict[str, Any] = {"sources_file": str(sources_file)}
    if warehouse is not None:
        base["warehouse"] = str(Path(warehouse).resolve())
    specs = [
        DeploymentSpec(
            PIPELINE_DEPLOYMENT,
            sf.pipeline_schedule,
            dict(base),
            f"All enabled sources of {sources_file.name}",
            ["newsclaims", "pipeline"],
        )
    ]
    for s in sf.sources:
        if s.config.schedule and s.config.enabled:
            specs.append(
                DeploymentSpec(
                    f"source-{s.name}",
                    s.config.schedule,
                    {**base, "only": [s.name]},
                    f"Source {s.name!r} ({s.kind}) of {sources_file.name}",
                    ["newsclaims", "source", s.kind],
                )
            )
    return specs


def build_deployments(sources_file: str | Path, warehouse: Optional[str | Path] = None) -> list:
    """``RunnerDeployment`` objects for :func:`prefect.serve` (nothing is sent to a server here)."""
    from prefect.client.schemas.schedules import CronSchedule

    from newsclaims.flows.pipeline import pipeline

    accepts_only = "only" in inspect.signature(pipeline.fn).parameters
    deployments = []
    for spec in deployment_specs(sources_file, warehouse):
        params = dict(spec.parameters)
        if "only" in params and not accepts_only:
            raise RuntimeError(
                "the pipeline flow has no 'only' parameter: per-source schedules need "
                "newsclaims.flows.pipeline.pipeline(..., only: list[str] | None = None)"
            )
        schedules = [CronSchedule(cron=spec.cron, timezone=TIMEZONE)] if spec.cron else None
        deployments.append(
            pipeline.to_deployment(
                name=spec.name,
                schedules=schedules,
                parameters=params,
                description=spec.description,
                tags=spec.tags,
            )
        )
    return deployments
