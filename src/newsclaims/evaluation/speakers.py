"""Who-said-what on PolNeAR: is each attributed claim credited to the right real-world speaker?

The definition is the reference scorer's (``shared/eval/polnear/scorer/speaker_score.py``), written
out here so that ``newsclaims eval attribution DIR --speakers FILE`` reports the same figures:

* **Gold referent** of a gold attribution: none when it has no source; else the label of the
  referents file (``{"doc", "start", "end", "referent"}`` per pronoun or description source: a
  name, names joined by ``" | "``, ``GENERIC`` or ``UNCLEAR``) found by the source's first and last
  character (or, failing that, a labelled span holding the source within two characters); a
  source with a capitalised name and no label is *named* (its last name run, or every run when
  the head says "A and B") or *lenient* when the name only modifies the head noun ("The Trump
  campaign", "Wall Street analysts") -- an unresolved speaker is right for those too.
* **Matching**: predictions are de-duplicated on (content fragments, speaker) and matched one to
  one to gold attributions by decreasing token Jaccard > 0.5 of their contents (tokens are word
  runs and single punctuation marks, fragments stripped of whitespace and merged across it).
* **Right**: generic and source-less gold wants no resolved speaker; otherwise the speaker's name
  or one of its aliases shares its surname (last token once titles, "Jr." and trailing group words
  such as "campaign" are dropped) with a gold name. A match to an ``UNCLEAR`` or unlabelled gold
  counts neither way (the prediction leaves the denominator).
* who-said-what P = right / predicted claims, R = right / scorable gold attributions; speaker
  accuracy on matched claims per kind of gold source; share of predicted claims without speaker.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

Fragments = tuple[tuple[int, int], ...]

KINDS = ("named", "labelled", "lenient", "generic", "none")
KIND_LABELS = {
    "named": "named",
    "labelled": "pronoun/description",
    "lenient": "name as modifier",
    "generic": "generic",
    "none": "no source",
}

_TITLES = frozenset(
    "sen rep gov mr mrs ms dr president gen sec secretary senator former vice candidate "
    "nominee speaker lt col prof judge justice".split()
)
_PRONOUNS = frozenset("he she they it i we you his her their its our my him them us".split())
_DETERMINERS = frozenset(
    "the a an many some most several other both all each every this that these those "
    "its his her their our my your one two three few more top senior new former".split()
)
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december".split()
)
_GROUP_WORDS = frozenset("campaign team administration camp staff aides family foundation".split())
_SUFFIXES = frozenset(("jr", "sr", "ii", "iii"))
_NAME_TOKEN = re.compile(r"[A-Za-z][\w'’.-]*")
_HEAD_CUT = re.compile(r",|\s(?:of|at|from|in|for|by|on|with|who|whose|which|that)\s")
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass
class Predicted:
    """One predicted claim: content fragments (raw offsets) and its resolved speaker."""

    content: Fragments
    speaker: Optional[str] = None
    aliases: tuple[str, ...] = ()


# --- names ----------------------------------------------------------------------------------------


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower().replace("’", "'")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    return " ".join(w for w in s.split() if w != "the")


def surname(name: str) -> str:
    words = [w for w in _fold(name).split() if w not in _TITLES and w not in _SUFFIXES]
    while len(words) > 1 and words[-1] in _GROUP_WORDS:
        words.pop()
    return words[-1] if words else ""


def _head(text: str) -> str:
    return _HEAD_CUT.split(re.sub(r"\([^)]*\)", " ", text), 1)[0]


def name_runs(text: str, article: str = "") -> list[str]:
    """Runs of capitalised words in the head of a source span (titles, determiners, pronouns and
    calendar words break or end a run); a lone first word that the article also writes in lower
    case is no name."""
    head = _head(text)
    runs: list[str] = []
    run: list[str] = []

    def close() -> None:
        if run:
            runs.append(" ".join(run))
            run.clear()

    for w in _NAME_TOKEN.findall(head):
        bare = w.strip(".").lower().replace("’s", "").replace("'s", "")
        capital = w[0].isupper() and bare not in _PRONOUNS | _DETERMINERS | _CALENDAR
        if capital and bare not in _TITLES:
            run.append(w)
        else:
            close()
    close()
    first = _NAME_TOKEN.search(head)
    if (
        runs
        and first is not None
        and runs[0] == first.group(0)
        and re.search(r"\b" + re.escape(first.group(0).lower()) + r"\b", article)
    ):
        runs = runs[1:]
    return runs


def load_referents(path: Optional[Path]) -> dict[tuple[str, int, int], str]:
    out: dict[tuple[str, int, int], str] = {}
    if path is None:
        return out
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out[(r["doc"], int(r["start"]), int(r["end"]))] = r["referent"]
    return out


def gold_referent(
    doc: str, text: str, source: Optional[Fragments], refs: dict[tuple[str, int, int], str]
) -> tuple[str, list[str]]:
    """(kind, names): kind is none | named | lenient | labelled | generic | unclear | unlabelled."""
    if not source:
        return "none", []
    start, end = source[0][0], source[-1][1]
    span = " ".join(text[s:e] for s, e in source)
    label = refs.get((doc, start, end))
    if label is None:
        runs = name_runs(span, text)
        if runs:
            if re.search(re.escape(runs[-1]) + r"(?:['’]s)?\s+[a-z]", _head(span)):
                return "lenient", runs  # the name modifies the head noun
            return "named", runs if " and " in span.split(",")[0] else [runs[-1]]
        if any(w[0].isupper() for w in _NAME_TOKEN.findall(span)):
            return "lenient", name_runs(span.replace(",", " "))
        for (d, s, e), v in refs.items():
            if d == doc and s <= start and end <= e + 1 and e - s - (end - start) < 3:
                label = v
                break
    if label is None:
        return "unlabelled", []
    if label in ("GENERIC", "UNCLEAR"):
        return label.lower(), []
    return "labelled", [n.strip() for n in label.split("|") if n.strip()]


def speaker_right(pred: Predicted, kind: str, names: Sequence[str]) -> bool:
    if kind in ("none", "generic"):
        return not pred.speaker
    if not pred.speaker:
        return kind == "lenient"
    mine = {surname(n) for n in (pred.speaker, *pred.aliases)} - {""}
    return any(surname(n) in mine for n in names)


# --- matching -------------------------------------------------------------------------------------


class _Tokens:
    def __init__(self, text: str):
        self.text = text
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def normalise(self, frags: Iterable[Sequence[int]]) -> Fragments:
        out: list[tuple[int, int]] = []
        t = self.text
        for s, e in sorted((int(a), int(b)) for a, b in frags):
            while s < e and t[s].isspace():
                s += 1
            while e > s and t[e - 1].isspace():
                e -= 1
            if s == e:
                continue
            if out and (s <= out[-1][1] or not t[out[-1][1] : s].strip()):
                out[-1] = (out[-1][0], max(e, out[-1][1]))
            else:
                out.append((s, e))
        return tuple(out)

    def of(self, frags: Fragments) -> frozenset[int]:
        got: set[int] = set()
        for s, e in frags:
            got.update(range(bisect.bisect_right(self.ends, s), bisect.bisect_left(self.starts, e)))
        return frozenset(got)


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def score_speakers(
    docs: Iterable[tuple[str, str, Sequence, Sequence[Predicted]]], refs: dict[tuple[str, int, int], str]
) -> dict:
    """``docs``: (name, raw text, gold attributions with ``.content``/``.source`` fragments,
    predictions). Returns who-said-what P/R/F1, per-kind accuracy and the unresolved share."""
    right = n_pred = n_gold = n_unresolved = n_all = 0
    acc: dict[str, list[int]] = {}
    for name, text, gold, preds in docs:
        tok = _Tokens(text)
        kinds = [gold_referent(name, text, tok.normalise(g.source) if g.source else None, refs) for g in gold]
        n_gold += sum(k not in ("unclear", "unlabelled") for k, _ in kinds)
        seen: set = set()
        uniq: list[tuple[frozenset, Predicted]] = []
        for p in preds:
            n_all += 1
            key = (tuple(p.content), p.speaker)
            if key in seen:
                continue
            seen.add(key)
            uniq.append((tok.of(tok.normalise(p.content)), p))
        n_pred += len(uniq)
        n_unresolved += sum(1 for _, p in uniq if not p.speaker)
        gtoks = [tok.of(tok.normalise(g.content)) for g in gold]
        pairs = sorted(
            (
                (_jaccard(pt, gt), i, j)
                for i, (pt, _) in enumerate(uniq)
                for j, gt in enumerate(gtoks)
                if _jaccard(pt, gt) > 0.5
            ),
            reverse=True,
        )
        used_p: set[int] = set()
        used_g: set[int] = set()
        for _, i, j in pairs:
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            kind, names = kinds[j]
            if kind in ("unclear", "unlabelled"):
                n_pred -= 1
                continue
            ok = speaker_right(uniq[i][1], kind, names)
            a = acc.setdefault(kind, [0, 0])
            a[0] += ok
            a[1] += 1
            right += ok
    p = right / n_pred if n_pred else 0.0
    r = right / n_gold if n_gold else 0.0
    return {
        "who_said_what": {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "right": right,
            "n_pred": n_pred,
            "n_gold": n_gold,
        },
        "accuracy": {k: {"accuracy": round(v[0] / v[1], 4), "n": v[1]} for k, v in sorted(acc.items())},
        "unresolved_share": round(n_unresolved / n_all, 4) if n_all else 0.0,
    }


def format_speakers(res: dict) -> str:
    w = res["who_said_what"]
    lines = [
        f"  who said what (speaker resolved right): P {100 * w['precision']:.1f} R {100 * w['recall']:.1f} "
        f"F1 {100 * w['f1']:.1f} ({w['right']} right of {w['n_pred']} predicted, {w['n_gold']} gold)"
    ]
    for k in KINDS:
        if k in res["accuracy"]:
            v = res["accuracy"][k]
            lines.append(
                f"    speaker right, gold {KIND_LABELS[k]:<20} {100 * v['accuracy']:5.1f} % of {v['n']}"
            )
    lines.append(f"    predicted claims without a resolved speaker: {100 * res['unresolved_share']:.1f} %")
    return "\n".join(lines)
