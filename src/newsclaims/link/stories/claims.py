"""Claim groups within stories: the link stage's view of a claim and the call into
:mod:`newsclaims.link.claim_groups`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class GroupClaim:
    """A claim as the link stage reads it (see :func:`newsclaims.link.stage.link_batches`)."""

    claim_id: str
    article_id: str
    story_id: Optional[str]
    speaker_entity_id: Optional[str]
    content: str
    group_id: Optional[str] = None  # set for claims already grouped in the warehouse
    entity_spans: list[tuple[str, str]] = field(default_factory=list)  # (surface text, entity id)
    segments: Optional[list[list[str]]] = None  # claims.group_segments (None: parse the content)


def group_claims(new: list[GroupClaim], existing: list[GroupClaim], *, matcher=None) -> dict[str, str]:
    """claim_id -> claim_group_id for the new claims; existing claims keep their groups.

    The rule is :func:`newsclaims.link.claim_groups.group_claims`: claims by one resolved speaker in one
    story (or one article) join a group when a sentence or clause run of each shares enough content
    lemmas and agrees on negation, numbers and predicate."""
    from newsclaims.link.claim_groups import GroupableClaim
    from newsclaims.link.claim_groups import group_claims as group

    settled = {c.claim_id: c.group_id for c in existing if c.group_id}
    claims = [
        GroupableClaim(
            c.claim_id, c.article_id, c.story_id, c.speaker_entity_id, c.content, segments=c.segments
        )
        for c in existing + new
    ]
    groups = group(claims, settled, matcher=matcher)
    return {c.claim_id: groups[c.claim_id] for c in new}
