"""Evaluation commands: each runs the real pipeline on annotated data and scores its output."""

from __future__ import annotations

import json
from pathlib import Path


def write_json(path: Path, payload: object) -> None:
    """Write an evaluation's scores as indented UTF-8 JSON (values JSON cannot hold as text)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
