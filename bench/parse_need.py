"""How much text needs the dependency parse: the floor under any selective-parse pipeline.

    .venv/bin/python bench/parse_need.py [--corpus DIR] [--sample 300] [--throughput bench/throughput.json]

Claims need the tagger and parser (``tok2vec``, ``tagger``, ``parser``); the entities need the NER,
which in ``en_core_web_sm`` has its own embedding layer. A pipeline that parsed only the sentences
that hold an attribution would still pay the NER on all text plus the parse on those sentences. This
script runs the pipeline's own model, entity resolution and claim rules over a sample of the corpus
and measures, in tokens:

* ``needed``: sentences holding a claim's cue or speaker (what an oracle gate would have to parse);
* ``needed_with_content``: also the sentences of the claim contents;
* two cheap gates that can be evaluated before parsing -- quotation marks only, and quotation marks
  or a frequent reporting-verb form -- with the share of text each selects and the share of the needed
  sentences each keeps (its recall).

With the (a) and (b) times of ``bench/throughput.py`` (same corpus) it prints the lowest (c) an oracle
gate could reach, ``a + needed * (b - a)`` with every other cost taken as zero, and that bound's ratios
c/a and c/b.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

QUOTES = re.compile(r"[\"“”«»]")
FREQUENT_CUES = re.compile(
    r"\b(?:say|says|said|saying|tell|tells|told|according|add|adds|added|insist|insists|insisted|"
    r"warn|warns|warned|claim|claims|claimed|argue|argues|argued|state|states|stated|explain|"
    r"explains|explained)\b",
    re.I,
)


def measure(texts: list[str]) -> dict:
    from newsclaims.extract.claims import extract_claims, load_lexicon
    from newsclaims.extract.entities import ArticleEntities
    from newsclaims.extract.kb import load_kb
    from newsclaims.extract.nlp import load_pipeline_nlp

    nlp, kb, lex = load_pipeline_nlp(), load_kb(), load_lexicon()
    n = {
        "tokens": 0,
        "sentences": 0,
        "needed": 0,
        "needed_with_content": 0,
        "gate_quotes": 0,
        "gate_quotes_hit": 0,
        "gate_quotes_or_cues": 0,
        "gate_quotes_or_cues_hit": 0,
        "claims": 0,
    }
    for doc in nlp.pipe(texts, batch_size=16):
        claims = extract_claims(doc, ArticleEntities(doc, kb), lex)
        n["claims"] += len(claims)
        roles = [s for c in claims for s in (c.cue, c.speaker) if s]
        contents = [s for c in claims for s in c.content_spans]
        for sent in doc.sents:
            size, lo, hi = len(sent), sent.start_char, sent.end_char
            needed = any(s < hi and e > lo for s, e in roles)
            with_content = needed or any(s < hi and e > lo for s, e in contents)
            quotes = bool(QUOTES.search(sent.text))
            cues = quotes or bool(FREQUENT_CUES.search(sent.text))
            n["tokens"] += size
            n["sentences"] += 1
            n["needed"] += size * needed
            n["needed_with_content"] += size * with_content
            n["gate_quotes"] += size * quotes
            n["gate_quotes_hit"] += size * (quotes and needed)
            n["gate_quotes_or_cues"] += size * cues
            n["gate_quotes_or_cues_hit"] += size * (cues and needed)
    tok = n["tokens"] or 1
    need = n["needed"] or 1
    return {
        "tokens": n["tokens"],
        "sentences": n["sentences"],
        "claims": n["claims"],
        "needed_share": round(n["needed"] / tok, 3),
        "needed_with_content_share": round(n["needed_with_content"] / tok, 3),
        "gate_quotes": {
            "share": round(n["gate_quotes"] / tok, 3),
            "recall": round(n["gate_quotes_hit"] / need, 3),
        },
        "gate_quotes_or_frequent_cues": {
            "share": round(n["gate_quotes_or_cues"] / tok, 3),
            "recall": round(n["gate_quotes_or_cues_hit"] / need, 3),
        },
    }


def bound(share: float, throughput: dict) -> dict | None:
    try:
        a = throughput["a_raw_ner"]["seconds"]
        b = throughput["b_raw_all"]["seconds"]
    except KeyError:
        return None
    c = a + share * (b - a)
    return {
        "a_seconds": a,
        "b_seconds": b,
        "oracle_c_floor_seconds": round(c, 1),
        "c_over_a_at_least": round(c / a, 2),
        "b_over_c_at_most": round(b / c, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "eval" / "bbc_news")
    ap.add_argument("--sample", type=int, default=300, help="articles drawn at random (seed 0); 0 = all")
    ap.add_argument(
        "--throughput",
        type=Path,
        default=REPO / "bench" / "throughput.json",
        help="bench/throughput.py output with (a) and (b) on the same corpus",
    )
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "parse_need.json")
    args = ap.parse_args(argv)
    files = sorted(args.corpus.rglob("*.txt"))
    files = [f for f in files if f.name.upper() != "README.TXT"]
    if not files:
        print(f"no *.txt under {args.corpus}", file=sys.stderr)
        return 2
    if args.sample and args.sample < len(files):
        files = random.Random(0).sample(files, args.sample)
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    result = {"corpus": str(args.corpus), "articles": len(texts), **measure(texts)}
    if args.throughput.exists():
        tp = json.loads(args.throughput.read_text())
        result["oracle_gate_bound"] = bound(result["needed_share"], tp)
    print(json.dumps(result, indent=1))
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
