"""The near-duplicate index between runs: its settings (measured defaults, overridden from the
environment), where it is saved in the warehouse folder (``state/neardup.idx`` with a stamp), how a
run loads it (rebuilt from the warehouse when the saved one does not describe it) and how the load
commits the run's staged copy."""

from __future__ import annotations

from pathlib import Path

from newsclaims.load import database, lake
from newsclaims.settings import ENV_NEARDUP_SHINGLE_SIZE, ENV_NEARDUP_THRESHOLD, Warehouse

NEARDUP_INDEX = "neardup.idx"
NEARDUP_STAMP = "neardup.json"


def _neardup_state(wh: Warehouse) -> tuple[Path, Path]:
    state = wh.root / "state"
    return state / NEARDUP_INDEX, state / NEARDUP_STAMP


def neardup_config():
    """The near-duplicate settings: the measured defaults of :class:`~newsclaims.ingest.neardup.NearDupConfig`
    (5-word shingles, similarity 0.7), overridden by ``NEWSCLAIMS_NEARDUP_THRESHOLD`` and
    ``NEWSCLAIMS_NEARDUP_SHINGLE_SIZE``."""
    import os as _os
    from dataclasses import replace

    from newsclaims.ingest.neardup import NearDupConfig

    config = NearDupConfig()
    raw_t, raw_k = _os.environ.get(ENV_NEARDUP_THRESHOLD), _os.environ.get(ENV_NEARDUP_SHINGLE_SIZE)
    try:
        if raw_t:
            config = replace(config, threshold=float(raw_t))
        if raw_k:
            config = replace(config, shingle_size=int(raw_k))
    except ValueError:
        raise ValueError(
            f"{ENV_NEARDUP_THRESHOLD} must be a number and {ENV_NEARDUP_SHINGLE_SIZE} "
            f"an integer (got {raw_t!r}, {raw_k!r})"
        ) from None
    if not 0.0 < config.threshold <= 1.0 or config.shingle_size < 1:
        raise ValueError(
            f"near-dup threshold must be in (0, 1] and shingle size >= 1 "
            f"(got {config.threshold}, {config.shingle_size})"
        )
    return config


def _config_stamp(config) -> dict:
    return {"shingle_size": config.shingle_size, "num_perm": config.num_perm, "seed": config.seed}


def load_neardup_index(wh: Warehouse, known_articles: dict[str, str]):
    """The near-duplicate index of every kept article, rebuilt from the warehouse when the saved one
    does not describe it (first use, a run that died between saving and loading, or other
    shingle settings)."""
    import json as _json

    from newsclaims.ingest.neardup import NearDupConfig, NearDupIndex

    config = neardup_config()
    index_path, stamp_path = _neardup_state(wh)
    try:
        stamp = _json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}
    if (
        index_path.exists()
        and stamp.get("articles") == len(known_articles)
        and stamp.get("config", _config_stamp(NearDupConfig())) == _config_stamp(config)
    ):
        return NearDupIndex.load(index_path, config)
    index = NearDupIndex(config)
    if known_articles:
        con = database.connect(wh, read_only=True)
        try:
            cur = con.execute("SELECT article_id, body FROM articles ORDER BY ingested_at, article_id")
            while rows := cur.fetchmany(1000):
                for aid, body in rows:
                    index.add(aid, body)
        finally:
            con.close()
    return index


def commit_neardup_index(wh: Warehouse, run_id: str) -> None:
    """After the load: the run's index (staged by ingest) becomes the saved one."""
    import json as _json
    import os as _os

    staged = wh.root / "staging" / run_id / NEARDUP_INDEX
    if not staged.exists():
        return
    index_path, stamp_path = _neardup_state(wh)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    _os.replace(staged, index_path)
    n = database.query(wh, "SELECT count(*) FROM articles")[1][0][0]
    lake.atomic_write_bytes(
        stamp_path,
        _json.dumps({"articles": n, "run_id": run_id, "config": _config_stamp(neardup_config())}).encode(),
    )
