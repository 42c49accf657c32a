"""Entity resolution on text we composed: variants that must merge, near-misses that must not."""

import pytest

from newsclaims.extract.entities import ArticleEntities
from newsclaims.extract.kb import fold, load_kb
from newsclaims.extract.names import person_key, translit_fold
from newsclaims.extract.nlp import load_nlp


@pytest.mark.parametrize(
    "variants",
    [
        ["Sergey", "Sergei"],
        ["Zelensky", "Zelenskyy", "Zelenskiy"],
        ["Dmitry", "Dmitri"],
        ["Alexei", "Aleksei"],
    ],
)
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
    ents = entities_of(
        "Hillary Clinton spoke first. Chelsea Clinton followed. Later Clinton thanked the crowd."
    )
    people = {c.name: c for c in ents.clusters if c.type == "PERSON"}
    assert {"Hillary Clinton", "Chelsea Clinton"} <= set(people)
    later = ents.cluster_at(
        *[(m.start, m.end) for c in ents.clusters for m in c.mentions if m.text == "Clinton"][0]
    )
    assert later is people["Chelsea Clinton"]


def test_role_description_needs_a_compatible_person():
    ents = entities_of(
        "Defence Minister Anna Berg met Foreign Minister Karl Lund in Riga. The foreign minister later left."
    )
    desc = [m for c in ents.clusters for m in c.mentions if m.method == "description"]
    assert desc and ents.cluster_at(desc[0].start, desc[0].end).name == "Karl Lund"


# --- the NER rules of the entity stage (newsclaims.extract.ner_rules), on sentences we composed ----------

import spacy  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from newsclaims.extract import ner_rules  # noqa: E402
from newsclaims.extract.kb import KBEntry, KnowledgeBase  # noqa: E402
from newsclaims.extract.nlp import KB_RULER, load_pipeline_nlp  # noqa: E402


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def small_kb():
    return KnowledgeBase(
        [
            KBEntry("MDA", "GPE", "Moldova", {"Republic of Moldova"}, None, {"Moldovan"}),
            KBEntry("JPN", "GPE", "Japan", set(), None, {"Japanese"}),
            KBEntry("JEY", "GPE", "Jersey", set(), None, set()),
            KBEntry("USA", "GPE", "United States", {"US"}, None, {"American"}),
        ]
    )


def spans_of(doc, pairs):
    out = []
    for text, label in pairs:
        s = doc.text.index(text)
        out.append((s, s + len(text), label, "ner"))
    return out


def texts(doc, spans):
    return sorted((doc.text[s:e], label) for s, e, label, _ in spans)


def test_rule_boundaries_split_and_trim(blank, small_kb):
    doc = blank("Ann Vole 63 and Ostrava news agency\n\nGreat Lakes\n\nCycling ( Brno")
    spans = spans_of(
        doc,
        [("Ann Vole 63", "PERSON"), ("Ostrava news agency", "ORG"), ("Great Lakes\n\nCycling ( Brno", "ORG")],
    )
    out = ner_rules.rule_boundaries(doc, spans, small_kb)
    assert texts(doc, out) == sorted(
        [
            ("Ann Vole", "PERSON"),
            ("Ostrava", "ORG"),
            ("Great Lakes", "ORG"),
            ("Cycling", "ORG"),
            ("Brno", "ORG"),
        ]
    )
    # a knowledge-base name keeps its edges ("North Atlantic alliance")
    kept = [(0, 11, "ORG", ner_rules.KB_METHOD)]
    assert ner_rules.rule_boundaries(doc, kept, small_kb) == kept


def test_rule_drop_nonnames(blank, small_kb):
    doc = blank("the senate met 4-2-19-7 times in Oslo")
    spans = spans_of(doc, [("senate", "ORG"), ("4-2-19-7", "PRODUCT"), ("Oslo", "GPE"), ("times", "DATE")])
    out = ner_rules.rule_drop_nonnames(doc, spans, small_kb)
    assert texts(doc, out) == [("Oslo", "GPE"), ("times", "DATE")]  # DATE and the like pass through


def test_rule_kb_countries_relabel_add_and_guards(blank, small_kb):
    doc = blank("Moldova beat Japan while Moldovan fans in New Jersey cheered .\n\nLET US PLAY AGAIN")
    out = ner_rules.rule_kb_countries(doc, spans_of(doc, [("Moldova", "ORG")]), small_kb)
    # relabelled and added; "Jersey" inside "New Jersey" and "US" in a line in capitals are not names
    assert texts(doc, out) == [("Japan", "GPE"), ("Moldova", "GPE"), ("Moldovan", "NORP")]


def test_rule_sports(blank, small_kb):
    doc = blank("Westshire 296 , Eastham 83 and 174\n\nJapan 2 Moldova 1\n\nWestshire won by 39 runs .")
    spans = spans_of(doc, [("Westshire", "GPE"), ("Eastham", "PERSON"), ("Japan", "GPE")])
    out = ner_rules.rule_sports(doc, spans, small_kb)
    # teams before a score in a results line are organisations; countries (national teams) stay
    assert texts(doc, out) == [("Eastham", "ORG"), ("Japan", "GPE"), ("Westshire", "ORG")]
    # in prose the same name is left alone
    prose = blank("Westshire 296 people voted for the plan in the spring of that year .")
    assert ner_rules.rule_sports(prose, spans_of(prose, [("Westshire", "GPE")]), small_kb)[0][2] == "GPE"


def test_rule_discourse():
    words = ["Marta", "Kowal", "said", ".", "Kowal", "left", "Tarnow", "."]
    doc = Doc(
        spacy.blank("en").vocab,
        words=words,
        spaces=[True] * 8,
        tags=["NNP", "NNP", "VBD", ".", "NNP", "VBD", "NNP", "."],
    )
    text = doc.text
    g = text.index("Tarnow")
    second = text.index("Kowal", len("Marta Kowal"))
    spans = [
        (0, len("Marta Kowal"), "PERSON", "ner"),
        (second, second + 5, "ORG", "ner"),
        (g, g + 6, "GPE", "ner"),
    ]
    out = ner_rules.rule_discourse(doc, spans, None)
    assert (second, second + 5, "PERSON", "ner") in out  # the surname of a person named in full


def test_rule_allcaps_retags_case_restored_lines(blank, small_kb):
    doc = blank("Results on Sunday .\n\nNORTH VALE AT SOUTHPORT\n\nThe match was close .")
    seen = []

    def tagger(text):
        seen.append(text)
        s = text.index("North Vale")
        return [(s, s + 10, "ORG"), (text.index("Southport"), text.index("Southport") + 9, "GPE")]

    spans = spans_of(doc, [("NORTH VALE AT", "PERSON"), ("Sunday", "DATE")])
    out = ner_rules.rule_allcaps(doc, spans, small_kb, tagger=tagger)
    assert seen == ["North Vale at Southport"]  # only the line in capitals, case restored
    assert texts(doc, out) == [("NORTH VALE", "ORG"), ("SOUTHPORT", "GPE"), ("Sunday", "DATE")]
    # no such line: the tagger is not called
    plain = blank("Nothing shouts here .")
    assert ner_rules.rule_allcaps(plain, [], small_kb, tagger=lambda t: 1 / 0) == []


def test_refine_doc_sets_ents_once(small_kb):
    doc = load_nlp()("Moldova and Japan signed the accord in Chisinau on Monday .")
    ner_rules.refine_doc(doc, small_kb)
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Moldova") == "GPE" and labels.get("Japan") == "GPE"
    assert doc.user_data.get(ner_rules.REFINED_FLAG)


def test_pipeline_model_is_a_separate_copy():
    """The pipeline's model has the knowledge-base ruler; the shared raw model stays raw."""
    assert KB_RULER in load_pipeline_nlp().pipe_names
    assert KB_RULER not in load_nlp().pipe_names
    assert load_pipeline_nlp() is not load_nlp()


def test_home_nations_in_the_knowledge_base():
    kb = load_kb()
    for name, demonym in [
        ("England", "English"),
        ("Scotland", "Scottish"),
        ("Wales", "Welsh"),
        ("Northern Ireland", "Northern Irish"),
    ]:
        entry = kb.lookup(name)
        assert entry is not None and entry.type == "GPE" and entry.name == name
        assert kb.demonym(demonym) is entry


def test_country_names_the_tagger_mislabels_link_to_the_country():
    ents = entities_of(
        "Officials from Scotland and Wales met in Cardiff on Tuesday to discuss fishing quotas."
    )
    linked = {c.kb.name for c in ents.clusters if c.kb is not None}
    assert {"Scotland", "Wales"} <= linked


def test_georgia_the_country_or_the_us_state_by_context():
    state = entities_of(
        "Voters in Georgia lined up in Atlanta on Tuesday, and the governor said the Senate race was close."
    )
    country = entities_of(
        "Georgia accused Russia of moving troops toward Tbilisi, and officials in the "
        "Caucasus republic asked for talks."
    )

    def georgia(ents):
        (c,) = [c for c in ents.clusters if any(m.text == "Georgia" for m in c.mentions)]
        return c.entity_id

    assert georgia(state) == "kb:US-GA"
    assert georgia(country) == "kb:GEO"


def _names(text):
    return {c.canonical_name for c in entities_of(text).clusters}


def test_a_name_joined_by_a_hyphen_keeps_its_lower_case_part():
    names = _names("South Korean President Park Geun-hye met Secretary General Ban Ki-moon on Monday.")
    assert {"Park Geun-hye", "Ban Ki-moon"} <= names
    assert not names & {"Park Geun", "Ban Ki"}


def test_a_name_never_holds_a_colon():
    """A transcript line: the speaker's name, a colon, then what he says (the tagger made all of it
    one WORK_OF_ART in a real transcript); what follows a colon is a name only with two words left."""
    from newsclaims.extract.ner_rules import rule_boundaries

    text = "WALLACE: Let’s start with breaking news. Report: Bank of England said so."
    doc = load_nlp()(text)
    first = (0, text.index(" news") + 5, "WORK_OF_ART", "ner")
    second = (text.index("Report"), text.index(" said"), "ORG", "ner")
    spans = rule_boundaries(doc, [first, second], load_kb())
    assert [text[s:e] for s, e, *_ in spans] == ["WALLACE", "Report", "Bank of England"]
