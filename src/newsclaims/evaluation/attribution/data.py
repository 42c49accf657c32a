"""Reading the gold standard and running the real pipeline over the articles: the only part of the
evaluation that touches the pipeline."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from newsclaims.evaluation.attribution.spans import Attribution, Document, _squash, parse_ann, text_alignment
from newsclaims.load.sql import named_query

# --- data ------------------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def load_gold(split_dir: Path, limit: Optional[int] = None) -> tuple[list[Document], dict[str, Path], dict]:
    """Documents with gold attributions (first ``.ann`` by sorted name per article), the text file
    of each, and loading notes. Articles are taken in sorted order; ``limit`` keeps the first N."""
    split_dir = Path(split_dir)
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise FileNotFoundError(f"{split_dir}: expected text/ and attributions/ folders")
    anns = sorted(ann_dir.glob("*.ann"))
    docs: list[Document] = []
    paths: dict[str, Path] = {}
    notes = {"articles_without_ann": 0, "articles_with_several_ann": 0, "ann_files_used": []}
    for txt in sorted(text_dir.glob("*.txt")):
        name = txt.stem
        mine = [a for a in anns if a.stem.rsplit("_", 1)[0] == name]
        if not mine:
            notes["articles_without_ann"] += 1
            continue
        if len(mine) > 1:
            notes["articles_with_several_ann"] += 1
        notes["ann_files_used"].append(mine[0].name)
        docs.append(Document(name, _read_text(txt), parse_ann(_read_text(mine[0]))))
        paths[name] = txt
        if limit is not None and len(docs) >= limit:
            break
    return docs, paths, notes


def _run(
    docs: Sequence[Document],
    paths: dict[str, Path],
    work: Path,
    warehouse_dir: Optional[Path],
    all_files_dir: Optional[Path],
):
    """Run the pipeline (:func:`newsclaims.pipeline.run_local`) on the documents' texts: read in
    place when ``all_files_dir`` holds exactly them, else copied into ``work``. Returns the warehouse,
    the run summary and its seconds."""
    import tomli_w

    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    if all_files_dir is not None:
        source_dir = Path(all_files_dir).resolve()
    else:
        source_dir = work / "text"
        source_dir.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            shutil.copyfile(paths[doc.name], source_dir / f"{doc.name}.txt")
    sources_file = work / "sources.toml"
    sources_file.write_text(
        tomli_w.dumps(
            {
                "sources": [
                    {
                        "name": "polnear",
                        "kind": "text_dir",
                        "path": str(source_dir),
                        "glob": "*.txt",
                        "allow_outside": True,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    wh = Warehouse.resolve(warehouse_dir or work / "wh")
    t0 = time.perf_counter()
    summary = run_local(sources_file, wh)
    return wh, summary, time.perf_counter() - t0


@dataclass
class _Tables:
    """What the evaluation reads back from the warehouse, by article (or raw file) name."""

    by_name: dict  # file stem -> (article_id, body, body_map)
    body_of: dict  # article_id -> body
    claims_of: dict  # article_id -> claim rows
    dup_of: dict  # file stem -> article_id it duplicates
    rej_of: dict  # file stem -> "stage: reason"

    @classmethod
    def read(cls, wh) -> "_Tables":
        from newsclaims.load import database

        _, arts = database.query(wh, "SELECT article_id, raw_path, body, body_map FROM articles")
        _, claims = database.query(wh, named_query("eval_attribution_claims"))
        _, dups = database.query(wh, "SELECT raw_path, duplicate_of FROM duplicates")
        _, rejs = database.query(wh, "SELECT raw_path, stage, reason FROM rejects")
        claims_of: dict[str, list[tuple]] = {}
        for row in claims:
            claims_of.setdefault(row[0], []).append(row[1:])
        return cls(
            by_name={Path(raw).stem: (aid, body, bmap or []) for aid, raw, body, bmap in arts},
            body_of={aid: body for aid, _, body, _ in arts},
            claims_of=claims_of,
            dup_of={Path(raw).stem: aid for raw, aid in dups},
            rej_of={Path(raw).stem: f"{stage}: {reason}" for raw, stage, reason in rejs},
        )


@dataclass
class _SpanMapper:
    """Maps a span of the kept article's body to the raw file's offsets: through the near duplicate's
    own body (``dup_align``), the body map, and the repaired-decoding alignment (``align``); counts
    the spans mapped and the mismatches in ``info``."""

    doc: Document
    body: str
    bmap: list
    info: dict
    dup_align: object = None
    own_body: Optional[str] = None
    align: object = None

    def __call__(self, s: Optional[int], e: Optional[int]) -> Optional[tuple[int, int]]:
        from newsclaims.ingest.normalize import body_to_raw

        if s is None or e is None or e <= s:
            return None
        body, own_body, info, doc = self.body, self.own_body, self.info, self.doc
        if self.dup_align is not None:
            ds, de = self.dup_align(s), self.dup_align(e - 1) + 1
            if _squash(body[s:e]) != _squash(own_body[ds:de]):
                return None  # text the near duplicate does not have
            s, e = ds, de
        rs, re_ = body_to_raw(s, self.bmap), body_to_raw(e - 1, self.bmap) + 1
        if self.align is not None:
            rs, re_ = self.align(rs), self.align(re_ - 1) + 1
        info["mapped_spans"] += 1
        if _squash((own_body if self.dup_align is not None else body)[s:e]) != _squash(doc.text[rs:re_]):
            info["mapping_mismatches"] += 1
            if len(info["mapping_mismatch_examples"]) < 5:
                info["mapping_mismatch_examples"].append([doc.name, body[s:e][:60], doc.text[rs:re_][:60]])
        return rs, re_


def _locate(doc: Document, t: _Tables, paths: dict[str, Path], info: dict, profiles: list):
    """The kept article of a document: ``(article_id, mapper)``, or None (rejected or missing,
    with ``doc.status`` set). A near duplicate is mapped through its own body."""
    import datetime as dt

    from newsclaims.ingest.profiles import load_profiles
    from newsclaims.ingest.sources.base import RawDocument
    from newsclaims.pipeline import prepare_document

    if doc.name in t.by_name:
        aid, body, bmap = t.by_name[doc.name]
        return aid, _SpanMapper(doc, body, bmap, info)
    if doc.name not in t.dup_of:
        doc.status = "rejected" if doc.name in t.rej_of else "missing"
        if doc.name in t.rej_of:
            info["rejected"][doc.name] = t.rej_of[doc.name]
        return None
    aid = t.dup_of[doc.name]
    body = t.body_of.get(aid, "")
    if not profiles:
        profiles.append(load_profiles())
    own = prepare_document(
        RawDocument("polnear", doc.name, paths[doc.name].read_bytes()),
        profiles[0],
        "eval",
        dt.datetime.now(dt.timezone.utc),
    )
    mapper = _SpanMapper(
        doc, body, getattr(own, "body_map", None) or [], info, own_body=getattr(own, "body", None)
    )
    if mapper.own_body is not None and mapper.own_body != body:
        # a near duplicate: the kept article's claims are offsets into the kept body; carry
        # them over to this document's own body where the text is the same
        mapper.dup_align = text_alignment(body, mapper.own_body)
    doc.status = "duplicate"
    info["duplicates"][doc.name] = aid
    return aid, mapper


def run_pipeline(
    docs: Sequence[Document],
    paths: dict[str, Path],
    work: Path,
    warehouse_dir: Optional[Path] = None,
    all_files_dir: Optional[Path] = None,
) -> dict:
    """Run the real pipeline over the documents' text files and fill in each ``Document.pred``
    (raw offsets), ``status`` and ``body_start``. The texts are read in place when
    ``all_files_dir`` holds exactly them, else copied into ``work`` (a temporary folder).
    Returns run information (counts, seconds, mapping checks)."""
    from newsclaims.ingest.decode import decode_bytes
    from newsclaims.ingest.normalize import body_to_raw

    wh, summary, seconds = _run(docs, paths, Path(work), warehouse_dir, all_files_dir)
    tables = _Tables.read(wh)
    info = {
        "pipeline_seconds": round(seconds, 1),
        "run": summary.model_dump(mode="json"),
        "rejected": {},
        "duplicates": {},
        "decoded_differs_from_utf8": 0,
        "mapped_spans": 0,
        "mapping_mismatches": 0,
        "mapping_mismatch_examples": [],
    }
    profiles: list = []
    for doc in docs:
        located = _locate(doc, tables, paths, info, profiles)
        if located is None:
            continue
        aid, to_raw = located
        decoded = decode_bytes(paths[doc.name].read_bytes()).text
        if decoded != doc.text:  # decoding repaired the text (mojibake, a stray BOM): align the two
            info["decoded_differs_from_utf8"] += 1
            to_raw.align = text_alignment(decoded, doc.text)
        doc.body_start = body_to_raw(0, to_raw.bmap) if to_raw.body else 0
        if to_raw.align is not None:
            doc.body_start = to_raw.align(doc.body_start)
        preds = []
        for kind, ss, se, cs, ce, cts, cte, cspans, sname, saliases in tables.claims_of.get(aid, []):
            frags = [to_raw(a, b) for a, b in (cspans or [[cts, cte]])]
            content = tuple(f for f in frags if f)
            if not content or (to_raw.dup_align is not None and len(content) < len(frags)):
                continue
            src, cue = to_raw(ss, se), to_raw(cs, ce)
            preds.append(
                Attribution(
                    content=content,
                    source=(src,) if src else None,
                    cue=(cue,) if cue else None,
                    kind=kind,
                    speaker=sname,
                    speaker_aliases=tuple(saliases or ()),
                )
            )
        doc.pred = preds
    return info


def speaker_inputs(docs: Sequence[Document]):
    """(name, raw text, gold, predictions) per document, for :func:`speakers.score_speakers`."""
    from newsclaims.evaluation.speakers import Predicted

    for d in docs:
        yield d.name, d.text, d.gold, [Predicted(p.content, p.speaker, p.speaker_aliases) for p in d.pred]
