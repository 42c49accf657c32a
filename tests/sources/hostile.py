"""Helpers for the hostile-input tests (tests/*/test_hostile*.py): good articles to load beside the
bad input, a bounded run, and a scan of every file under the warehouse for a secret."""

from __future__ import annotations

import threading
import time
from pathlib import Path

ARTICLES = [
    (
        "The harbour master, Ines Vale, said on Tuesday that the port would reopen to cargo ships after the "
        "storm damage was repaired. “We are ready to work again,” Vale told reporters at the quay. Shipping "
        "companies welcomed the decision and said schedules would return to normal within a week."
    ),
    (
        "Mayor Lina Ortiz said the city will plant four thousand trees along the river before autumn. "
        "Residents welcomed the plan at a meeting on Monday evening, and the council promised to publish "
        "the details of the planting in the next bulletin, a spokesman said."
    ),
    (
        "The rail operator announced that night trains to the coast will resume in June, officials said. "
        "“Travellers have asked for this for years,” the operator's chief executive, Tom Reyes, told the "
        "regional radio station. Tickets go on sale next month."
    ),
    (
        "Farmers in the valley reported a record apple harvest, the cooperative chairman told the paper. "
        "Prices fell as a result, and the chairman, Ada Kerr, said growers would store part of the crop "
        "until the winter markets open in the towns along the coast."
    ),
]


def page(i: int, extra: str = "") -> str:
    """An HTML page whose main text is article ``i``."""
    return (
        f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
        f"<p>{ARTICLES[i]}</p>{extra}</article></body></html>"
    )


def rss(
    items: list[tuple[str, str]],
    title: str = "Hostile news",
    pubdate: str = "Tue, 05 Mar 2024 10:00:00 GMT",
    encoding: str = "utf-8",
) -> bytes:
    """An RSS feed with (guid, link) items whose text comes from their pages."""
    body = "".join(
        f"<item><title>Item {g}</title><link>{link}</link><guid>{g}</guid><pubDate>{pubdate}</pubDate></item>"
        for g, link in items
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>{title}</title>'
        f"{body}</channel></rss>"
    ).encode("utf-8")


def bounded(fn, seconds: float):
    """``fn()`` in a thread; its result, or AssertionError when it has not finished in ``seconds``."""
    out: dict = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    t0 = time.monotonic()
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    if "error" in out:
        raise out["error"]
    out["seconds"] = time.monotonic() - t0
    return out["value"]


def files_containing(root: Path, secret: bytes) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``secret``."""
    return [p for p in Path(root).rglob("*") if p.is_file() and secret in p.read_bytes()]
