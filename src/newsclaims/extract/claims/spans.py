"""What every construction shares that is not the article: the claim record, span arithmetic and
the word lists more than one module reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from spacy.tokens import Token

from newsclaims.extract.entities import Cluster

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
PUNCT_TRIM = " \n\t,;:—–-"
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
VERB_GROUP_ADVERBS = {"also", "repeatedly", "later", "then", "now", "openly", "further", "again", "previously",
                      "recently", "often", "publicly", "privately", "once", "frequently", "explicitly",
                      "flatly", "firmly", "specifically", "directly", "formally", "initially", "first",
                      "already", "still", "even", "never", "always", "reportedly", "originally", "just", "only",
                      "ever", "long", "since", "soon", "yet"}
ADDRESSEE_VERBS = {"ask", "tell", "urge", "inform", "brief", "advise", "order", "instruct", "notify", "assure",
                   "reassure", "remind", "warn", "request", "call", "question", "promise"}
SETTING_NOUNS = {"statement", "interview", "speech", "rally", "conference", "briefing", "email", "letter",
                 "tweet", "post", "appearance", "debate", "hearing", "remark", "event", "broadcast", "video",
                 "lawyer", "attorney", "spokesman", "spokeswoman", "spokesperson", "talk", "meeting", "show"}
# where something was said or posted: "on Twitter", "on its website", "on social media"
PLATFORM_NOUNS = {"twitter", "facebook", "instagram", "youtube", "snapchat", "reddit", "television", "tv", "radio",
                  "website", "site", "page", "account", "feed", "blog", "podcast", "media", "air"}
MEDIA_NOUNS = {"statement", "ad", "advertisement", "memo", "paper", "story", "letter", "video", "report",
               "release", "email", "e-mail", "tweet", "post", "message", "note", "op-ed", "editorial", "column",
               "article", "speech", "remarks", "petition", "resolution", "spot", "commercial", "document",
               "brief", "filing", "complaint", "lawsuit", "suit", "motion", "order", "ruling", "opinion"}
SOURCE_CUT_DEPS = {"acl"}
# verbs whose object does what the infinitive says ("urged voters to act", "intended the audience to see it")
OBJECT_INFINITIVE_VERBS = ADDRESSEE_VERBS | {"intend", "want", "expect", "allow", "encourage", "force", "invite",
                                             "challenge", "need", "prefer", "like", "get", "help", "enable",
                                             "require", "push", "press", "pressure", "lobby", "implore", "beg",
                                             "dare", "permit", "compel", "convince", "persuade", "mean"}
# nouns whose own complement is an infinitive ("his call to raise wages", "efforts to find a solution")
INFINITIVE_NOUNS = {"call", "effort", "attempt", "plan", "bid", "push", "proposal", "move", "decision", "promise",
                    "pledge", "vow", "amendment", "fund", "money", "right", "need", "way", "chance", "opportunity",
                    "demand", "request", "order", "offer", "threat", "campaign", "drive", "initiative",
                    "legislation", "bill", "measure", "program", "policy", "power", "authority", "ability",
                    "willingness", "refusal", "failure", "desire", "intention", "commitment", "determination",
                    "resolve", "agreement", "deal", "law", "rule", "time", "appeal", "encouragement", "permission"}
# what a finding can be "in" ("In a CBS News poll, she led by 10 points")


@dataclass
class ClaimSpan:
    kind: str
    content_spans: list[tuple[int, int]]
    speaker: Optional[tuple[int, int]] = None
    cue: Optional[tuple[int, int]] = None
    speaker_cluster: Optional[Cluster] = None
    confidence: float = 0.5

    @property
    def content_start(self) -> int:
        return min(s for s, _ in self.content_spans)

    @property
    def content_end(self) -> int:
        return max(e for _, e in self.content_spans)


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without the spaces and punctuation (``PUNCT_TRIM``) at either end."""
    while s < e and text[s] in PUNCT_TRIM:
        s += 1
    while e > s and text[e - 1] in PUNCT_TRIM:
        e -= 1
    return s, e


def token_extent(toks: Iterable[Token]) -> tuple[int, int]:
    """The character span from the first token's start to the last token's end."""
    toks = list(toks)
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)
