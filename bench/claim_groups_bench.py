"""Claim grouping cost with and without paraphrase, on the claims of a warehouse.

    python bench/claim_groups_bench.py WAREHOUSE_DIR [--json FILE]

Reads every claim with a speaker and its story from the warehouse (what the link stage hands
:func:`newsclaims.link.claim_groups.group_claims`) and groups them all at once, as a run that brought
every article would: first by the lexical rule alone, then with the sentence encoder (loaded before
the clock starts; its vectors are not cached across the two timings).  Prints the seconds (wall and CPU; the
encoder runs one thread), the
candidate pairs, the units encoded and the groups of more than one claim.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from newsclaims.link.claim_groups import ClaimMatcher, GroupableClaim, _candidate_pairs, group_claims
    from newsclaims.link.paraphrase import load_encoder
    from newsclaims.load import database
    from newsclaims.settings import Warehouse

    _, rows = database.query(
        Warehouse.resolve(args.warehouse),
        """
        SELECT c.claim_id, c.article_id, s.story_id, c.speaker_entity_id, c.content, c.group_segments
        FROM claims c JOIN article_stories s USING (article_id) WHERE c.speaker_entity_id IS NOT NULL""",
    )
    claims = [
        GroupableClaim(cid, aid, sid, spk, content, segments=segs)
        for cid, aid, sid, spk, content, segs in rows
    ]
    pairs = _candidate_pairs(claims)
    out = {"claims": len(claims), "candidate_pairs": len(pairs)}
    encoder = load_encoder()
    for name, matcher in (
        ("lexical", ClaimMatcher(encoder=None, same_words=False)),
        ("paraphrase", ClaimMatcher(encoder=encoder)),
    ):
        if matcher.encoder is not None:
            matcher.encoder._cache.clear()
        start, cpu = time.perf_counter(), time.process_time()
        groups = group_claims(claims, matcher=matcher)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        sizes: dict[str, int] = {}
        for gid in groups.values():
            sizes[gid] = sizes.get(gid, 0) + 1
        out[name] = {
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "groups_of_2_or_more": sum(1 for n in sizes.values() if n > 1),
            "encoded_units": len(matcher.encoder._cache) if matcher.encoder is not None else 0,
        }
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
