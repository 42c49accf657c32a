"""Entity resolution on text we composed: variants that must merge, near-misses that must not."""

import pytest

from newsclaims.entities import ArticleEntities, person_key, translit_fold
from newsclaims.kb import fold, load_kb
from newsclaims.nlp import load_nlp


@pytest.mark.parametrize("variants", [
    ["Sergey", "Sergei"], ["Zelensky", "Zelenskyy", "Zelenskiy"], ["Dmitry", "Dmitri"], ["Alexei", "Aleksei"],
])
def test_transliteration_variants_fold_together(variants):
    assert len({translit_fold(v) for v in variants}) == 1


def test_different_people_with_one_surname_stay_apart():
    assert person_key(["Hillary", "Clinton"]) != person_key(["Chelsea", "Clinton"])


def test_kb_aliases_and_case_punctuation_variants():
    kb = load_kb()
    for alias in ["US", "U.S.", "United States", "the United States"]:
        assert kb.lookup(alias).name == "United States"
    assert kb.lookup("North Atlantic Treaty Organization").name == "NATO"
    assert fold("the U.S.") == "us"


def entities_of(text):
    return ArticleEntities(load_nlp()(text), load_kb())


def test_surname_joins_full_name_and_nearest_person_wins():
    ents = entities_of("Hillary Clinton spoke first. Chelsea Clinton followed. Later Clinton thanked the crowd.")
    people = {c.name: c for c in ents.clusters if c.type == "PERSON"}
    assert {"Hillary Clinton", "Chelsea Clinton"} <= set(people)
    later = ents.cluster_at(*[(m.start, m.end) for c in ents.clusters for m in c.mentions
                              if m.text == "Clinton"][0])
    assert later is people["Chelsea Clinton"]


def test_role_description_needs_a_compatible_person():
    ents = entities_of("Defence Minister Anna Berg met Foreign Minister Karl Lund in Riga. "
                       "The foreign minister later left.")
    desc = [m for c in ents.clusters for m in c.mentions if m.method == "description"]
    assert desc and ents.cluster_at(desc[0].start, desc[0].end).name == "Karl Lund"
