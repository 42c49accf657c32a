"""Claim grouping evaluation: precision and recall of "same claim" on labelled claim pairs.

``newsclaims eval claim-groups [--pairs FILE] [--eval-dir DIR] [--sweep]``

The labelled pairs
------------------
``data/claim_group_pairs.tsv`` (beside this module) holds 476 pairs of claims by one resolved
speaker in one story, drawn from the pipeline's own runs over ``../shared/eval`` texts: 364 from ECB+
(train and dev topics; its stories group coverage of one event by many outlets) and 112 from BBC News
(all five topics).  It holds only ids, offsets and labels, never text: ``source`` (file or folder
under the eval folder), ``block`` (the speaker and story the pair shares in that run),
``doc_a``/``doc_b`` (ECB+ ``doc_id``; BBC path under ``bbc_news/``), ``start``/``end`` (the claim's
``content_start``/``content_end`` in the article body the pipeline made), ``same_claim`` (1/0) and
``drawn_from`` (the stratum the pair was drawn from, below).

How the pairs were drawn.  Same-claim pairs are rare among all pairs of a speaker's claims in a story
(about 2 %), so a uniform sample would hold few; the pairs were drawn per stratum, at most 8 (ECB+)
or 4 (BBC) from one speaker and story: ``today`` -- pairs the lexical rule put in one group in that
run; ``e80``/``e70``/``e60``/``e50`` -- pairs it did not group whose best sentence-vector cosine
(:mod:`newsclaims.link.paraphrase`, guards only) was >= 0.8 / 0.7-0.8 / 0.6-0.7 / 0.5-0.6; ``rest`` --
the others.  The scores were not shown while labelling.  So precision and recall here are those on
this sample, not on all pairs; they compare methods on the same pairs.

How they were labelled (by reading both contents and the speaker's name; guidelines):

* 1 -- the two report the speaker asserting the same thing: the same words (also a partial quote
  of the other), a translation or rewording, or an indirect rendering of a quote; one may say more
  (another sentence) as long as the other's main assertion is in it; a vaguer rendering of the same
  fact counts ("police seized a shotgun and several shells" / "officers found a 12-gauge shotgun and
  three live shells").
* 0 -- different assertions on the same subject (the cause of death vs where the body was found),
  conflicting ones ("it is threatened" / "I don't think it is threatened"; "only version 7" / "all
  supported versions"), a statement and its reason or consequence, and fragments that name a topic
  without asserting the other's content ("mental illness" / "psychiatric help").

What is measured
----------------
The documents the pairs come from go through the real pipeline (:func:`newsclaims.evaluation.
labelled_docs.build_warehouse`); each pair's claims are found by document and content offsets (pairs
whose claim the current extractor no longer produces are counted and left out).  Per block, all its
labelled claims are grouped with :func:`newsclaims.link.claim_groups.group_claims` (one speaker, one
story, so groups are connected components as in the pipeline: two claims can be joined through a
third), and a pair is *predicted* same-claim when its two claims end in one group.  Scores:
precision, recall and F1 of the label 1, for the lexical rule alone (the grouping before paraphrase)
and for the lexical rule plus paraphrase (the pipeline's default).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

DEFAULT_PAIRS = Path(__file__).resolve().parent / "data" / "claim_group_pairs.tsv"
ECB = "ecbplus_event_clusters/ecbplus_docs.jsonl"
BBC = "bbc_news"


@dataclass(frozen=True)
class ClaimRef:
    source: str
    doc: str
    start: int
    end: int

    @property
    def doc_id(self) -> str:
        """The document id the evaluation's pipeline run gives the document."""
        return self.doc if self.source == ECB else f"{self.source}/{self.doc}"


@dataclass(frozen=True)
class LabelledPair:
    block: str
    a: ClaimRef
    b: ClaimRef
    same: bool
    drawn_from: str = ""


def load_pairs(path: Path) -> list[LabelledPair]:
    out = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            src = row["source"]
            out.append(
                LabelledPair(
                    f"{src}#{row['block']}",
                    ClaimRef(src, row["doc_a"], int(row["start_a"]), int(row["end_a"])),
                    ClaimRef(src, row["doc_b"], int(row["start_b"]), int(row["end_b"])),
                    row["same_claim"].strip() == "1",
                    row.get("drawn_from", ""),
                )
            )
    return out


def default_eval_dir() -> Path:
    from newsclaims.evaluation.attribution import default_data_dir

    return default_data_dir().parent


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # bbc_news/sport/199.txt is Latin-1
        return data.decode("latin-1")


def load_documents(eval_dir: Path, pairs: Sequence[LabelledPair]):
    """The labelled documents the pairs come from, as the stories evaluation feeds them."""
    from newsclaims.evaluation.labelled_docs import LabelledDoc, load_jsonl

    wanted: dict[str, set[str]] = defaultdict(set)
    for p in pairs:
        for ref in (p.a, p.b):
            wanted[ref.source].add(ref.doc)
    docs = []
    for source, names in sorted(wanted.items()):
        path = eval_dir / source
        if source == ECB:
            docs += [d for d in load_jsonl(path, split=None) if d.doc_id in names]
        elif source == BBC:
            docs += [
                LabelledDoc(f"{BBC}/{name}", _read_text(path / name), name.split("/")[0])
                for name in sorted(names)
            ]
        else:
            raise ValueError(f"unknown source {source!r} (expected {ECB} or {BBC})")
    return docs


@dataclass
class ExtractedClaim:
    claim_id: str
    article_id: str
    content: str
    segments: Optional[list[list[str]]]


def extracted_claims(wh) -> dict[tuple[str, int, int], ExtractedClaim]:
    """(document id, content start, content end) -> the claim the pipeline extracted there."""
    from newsclaims.evaluation.labelled_docs import doc_id_of
    from newsclaims.load import database

    _, rows = database.query(
        wh,
        """SELECT a.raw_path, c.content_start, c.content_end, c.claim_id, c.article_id,
                                    c.content, c.group_segments
                             FROM claims c JOIN articles a USING (article_id)""",
    )
    return {
        (doc_id_of(raw), s, e): ExtractedClaim(cid, aid, content, segs)
        for raw, s, e, cid, aid, content, segs in rows
    }


def predict(pairs: Sequence[LabelledPair], claims: dict, matcher) -> tuple[list[Optional[bool]], int]:
    """Per pair: True when grouping puts its claims in one group, None when a claim was not found."""
    from newsclaims.link.claim_groups import GroupableClaim, group_claims

    def find(ref: ClaimRef):
        return claims.get((ref.doc_id, ref.start, ref.end))

    by_block: dict[str, dict[str, ExtractedClaim]] = defaultdict(dict)
    for p in pairs:
        for ref in (p.a, p.b):
            c = find(ref)
            if c is not None:
                by_block[p.block][c.claim_id] = c
    groups: dict[tuple[str, str], str] = {}
    for block, members in by_block.items():
        grouped = group_claims(
            [
                GroupableClaim(c.claim_id, c.article_id, block, block, c.content, segments=c.segments)
                for c in members.values()
            ],
            matcher=matcher,
        )
        for cid, gid in grouped.items():
            groups[(block, cid)] = gid
    out, missing = [], 0
    for p in pairs:
        a, b = find(p.a), find(p.b)
        if a is None or b is None:
            out.append(None)
            missing += 1
        else:
            out.append(groups[(p.block, a.claim_id)] == groups[(p.block, b.claim_id)])
    return out, missing


def prf(pairs: Sequence[LabelledPair], predicted: Sequence[Optional[bool]]) -> dict:
    tp = sum(1 for p, y in zip(pairs, predicted) if y and p.same)
    fp = sum(1 for p, y in zip(pairs, predicted) if y and not p.same)
    fn = sum(1 for p, y in zip(pairs, predicted) if y is False and p.same)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": sum(1 for y in predicted if y is not None),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def evaluate(pairs: Sequence[LabelledPair], claims: dict, methods: dict) -> dict:
    """Scores per method, overall and per source."""
    result = {}
    for name, matcher in methods.items():
        predicted, missing = predict(pairs, claims, matcher)
        scores = {"all": prf(pairs, predicted), "missing": missing}
        for source in sorted({p.a.source for p in pairs}):
            idx = [i for i, p in enumerate(pairs) if p.a.source == source]
            scores[source] = prf([pairs[i] for i in idx], [predicted[i] for i in idx])
        result[name] = scores
    return result


def methods(*, paraphrase_threshold: Optional[float] = None, min_keys: Optional[int] = None) -> dict:
    from newsclaims.link.claim_groups import ClaimMatcher
    from newsclaims.link.paraphrase import load_encoder

    kwargs = {}
    if paraphrase_threshold is not None:
        kwargs["paraphrase_threshold"] = paraphrase_threshold
    if min_keys is not None:
        kwargs["paraphrase_min_keys"] = min_keys
    out = {"before: lexical rule": ClaimMatcher(encoder=None, same_words=False)}
    encoder = load_encoder()
    if encoder is not None:
        out["now: + same words + paraphrase"] = ClaimMatcher(encoder=encoder, **kwargs)
    return out


def _line(name: str, s: dict) -> str:
    return (
        f"  {name:<34} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
        f"   (tp {s['tp']}, fp {s['fp']}, fn {s['fn']}; {s['pairs']} pairs)"
    )


def format_report(result: dict) -> str:
    lines = []
    for method, scores in result.items():
        lines.append(f"{method}" + (f"  [{scores['missing']} pairs not found]" if scores["missing"] else ""))
        lines.append(_line("all", scores["all"]))
        for key, s in scores.items():
            if key not in {"all", "missing"}:
                lines.append(_line(key.split("/")[0], s))
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="newsclaims eval claim-groups",
        description="Precision and recall of claim grouping on labelled claim pairs.",
    )
    parser.add_argument(
        "--pairs", type=Path, default=DEFAULT_PAIRS, help="labelled pairs TSV (default: the shipped set)"
    )
    parser.add_argument(
        "--eval-dir", type=Path, default=None, help="the eval data folder (default ../shared/eval)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="build the warehouse in this folder and keep it"
    )
    parser.add_argument(
        "--reuse", type=Path, default=None, help="score the warehouse an earlier --keep built"
    )
    parser.add_argument(
        "--threshold", type=float, default=None, help="paraphrase cosine threshold (default: the pipeline's)"
    )
    parser.add_argument(
        "--min-keys", type=int, default=None, help="content keys per compared unit (default: the pipeline's)"
    )
    parser.add_argument("--sweep", action="store_true", help="also score paraphrase thresholds 0.70-0.90")
    parser.add_argument("--json", type=Path, default=None, help="also write the scores as JSON")
    args = parser.parse_args(argv)

    if not args.pairs.exists():
        print(f"not found: {args.pairs}", file=sys.stderr)
        return 2
    pairs = load_pairs(args.pairs)
    eval_dir = args.eval_dir or default_eval_dir()
    if args.reuse:
        from newsclaims.settings import Warehouse

        claims = extracted_claims(Warehouse.resolve(args.reuse / "wh"))
    else:
        if not eval_dir.exists():
            print(f"eval data not found: {eval_dir} (give --eval-dir)", file=sys.stderr)
            return 2
        from newsclaims.evaluation.labelled_docs import build_warehouse

        docs = load_documents(eval_dir, pairs)
        with tempfile.TemporaryDirectory(prefix="newsclaims-claim-groups-") as tmp:
            claims = extracted_claims(build_warehouse(docs, args.keep or Path(tmp)))
    result = evaluate(pairs, claims, methods(paraphrase_threshold=args.threshold, min_keys=args.min_keys))
    print(f"{args.pairs.name}: {len(pairs)} labelled pairs, {sum(p.same for p in pairs)} same-claim")
    print(format_report(result))
    if args.sweep:
        from newsclaims.link.claim_groups import ClaimMatcher
        from newsclaims.link.paraphrase import load_encoder

        encoder = load_encoder()
        sweep = {}
        for keys in (0, 1, 2, 3):
            for t in (0.70, 0.72, 0.75, 0.78, 0.80, 0.82, 0.85):
                name = f"paraphrase >= {t:.2f}, units of >= {keys} keys"
                sweep[name] = ClaimMatcher(encoder=encoder, paraphrase_threshold=t, paraphrase_min_keys=keys)
        swept = evaluate(pairs, claims, sweep)
        print("sweep (lexical rule + paraphrase):")
        for name, scores in swept.items():
            print(_line(name, scores["all"]).replace("  all ", "  "))
        result["sweep"] = {k: v["all"] for k, v in swept.items()}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
