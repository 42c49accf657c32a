"""Speaker resolution on composed sentences: agreement, salience, quoted "I", apposition and copula,
generic sources, organisations, roles by date, confidence; the offices table and its user rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from newsclaims.extract.claims import extract_claims, load_lexicon
from newsclaims.extract.claims.extractor import ClaimSpan
from newsclaims.extract.coref import FIRST_PERSON, SECOND_PERSON, resolve_claim_speakers
from newsclaims.extract.entities import ArticleEntities
from newsclaims.extract.kb import load_kb
from newsclaims.extract.kb.offices import Offices, load_offices, read_offices_tsv
from newsclaims.extract.nlp import load_pipeline_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline_nlp()


def claims_of(nlp, text: str, published: dt.date | None = None):
    doc = nlp(text)
    ents = ArticleEntities(doc, load_kb(), published=published)
    return text, ents, extract_claims(doc, ents, load_lexicon())


def speaker_of(nlp, text: str, content: str, published: dt.date | None = None):
    """(speaker name or None, claim) of the claim whose content holds ``content``."""
    text, _, claims = claims_of(nlp, text, published)
    for c in claims:
        if any(content in text[s:e] for s, e in c.content_spans):
            return (c.speaker_cluster.canonical_name if c.speaker_cluster else None), c
    raise AssertionError(
        f"no claim with {content!r}: {[text[c.content_start : c.content_end] for c in claims]}"
    )


# --- pronouns -------------------------------------------------------------------------------------


def test_gender_from_titles_picks_the_person_of_that_gender(nlp):
    text = "Mr. Ron Dale met Ann Pike in Ohio on Monday. She said the bill would fail. He said the vote was close."
    assert speaker_of(nlp, text, "the bill would fail")[0] == "Ann Pike"
    assert speaker_of(nlp, text, "the vote was close")[0] == "Ron Dale"


def test_gender_from_first_names_even_when_the_other_is_nearer(nlp):
    text = (
        "Mary Jones spoke at the rally in Leeds before Peter Hall arrived. "
        "She said that the council had failed the town."
    )
    assert speaker_of(nlp, text, "the council had failed")[0] == "Mary Jones"


def test_gender_mismatch_leaves_the_speaker_empty(nlp):
    text = "Peter Hall spoke at the rally in Leeds. She said that the council had failed the town."
    name, claim = speaker_of(nlp, text, "the council had failed")
    assert name is None and claim.speaker is not None  # the source is kept, unresolved


def test_salience_last_speaker_beats_the_nearer_name(nlp):
    text = (
        "Bill Lane said the deal was done after talks with John Carter in Ohio. "
        "He added that prices would fall."
    )
    assert speaker_of(nlp, text, "prices would fall")[0] == "Bill Lane"


def test_it_goes_to_the_organisation_in_focus_and_they_stays_open(nlp):
    text = (
        "Acme Corporation cut 500 jobs on Monday. It said that sales had fallen. "
        "Workers gathered outside the plant. They said the cuts were unfair."
    )
    assert speaker_of(nlp, text, "sales had fallen")[0] == "Acme Corporation"
    assert speaker_of(nlp, text, "the cuts were unfair")[0] is None


def test_first_person_inside_a_quote_is_the_quotations_speaker(nlp):
    text = 'Ann Pike spoke in Ohio. "I think the plan will fail," she said.'
    doc = nlp(text)
    ents = ArticleEntities(doc, load_kb())
    pike = next(c for c in ents.clusters if c.name == "Ann Pike")
    i = text.index("I think")
    quote = (text.index('"'), text.index('," she') + 2)
    outer = ClaimSpan(
        "direct", [quote], (text.index("she said"), text.index("she said") + 3), None, pike, 0.8
    )
    inner = ClaimSpan(
        "indirect", [(text.index("the plan"), text.index(" will") + 10)], (i, i + 1), None, None, 0.8
    )
    resolve_claim_speakers([outer, inner], ents)
    assert inner.speaker_cluster is pike


def test_first_person_outside_a_quote_is_nobody(nlp):
    text = "I said the plan would fail. We argued that the budget was too small. You said it was fine."
    _, _, claims = claims_of(nlp, text)
    assert claims and all(c.speaker_cluster is None for c in claims)


# --- descriptions ---------------------------------------------------------------------------------


def test_apposition_binds_the_description(nlp):
    text = (
        "Donald Trump, the Republican nominee, spoke in Ohio on Monday. Hillary Clinton was in Iowa. "
        "Later the Republican nominee said that taxes were too high."
    )
    assert speaker_of(nlp, text, "taxes were too high")[0] == "Donald Trump"


def test_copula_binds_the_description(nlp):
    text = (
        "Jane Roe is the club manager. Tom Fry is the captain. "
        "On Sunday the manager said that the team would improve."
    )
    assert speaker_of(nlp, text, "the team would improve")[0] == "Jane Roe"


def test_generic_sources_stay_unresolved(nlp):
    text = (
        "Senator Ann Pike spoke in Ohio on Monday. Critics said the plan was reckless. "
        "A spokesman said the plan was fine. One official said the vote would be close."
    )
    for content in ("the plan was reckless", "the plan was fine", "the vote would be close"):
        assert speaker_of(nlp, text, content)[0] is None, content


def test_the_newspaper_is_the_articles_one_media_organisation(nlp):
    text = (
        "The Washington Post obtained the memo on Friday. "
        "The newspaper reported that the agency had ignored the warnings."
    )
    assert speaker_of(nlp, text, "the agency had ignored")[0] == "Washington Post"


# --- roles by date --------------------------------------------------------------------------------

UK_TEXT = (
    "Britain will raise the state pension age, the prime minister said on Monday. "
    "The UK economy grew in the spring and British exports rose."
)


def test_role_by_date_resolves_the_holder_on_that_day(nlp):
    assert speaker_of(nlp, UK_TEXT, "Britain will raise", dt.date(2005, 3, 1))[0] == "Tony Blair"
    assert speaker_of(nlp, UK_TEXT, "Britain will raise", dt.date(2017, 3, 1))[0] == "Theresa May"


def test_role_without_a_date_stays_unresolved(nlp):
    assert speaker_of(nlp, UK_TEXT, "Britain will raise", None)[0] is None


def test_office_named_in_the_article_wins_over_the_table(nlp):
    text = "Prime Minister Gordon Brown visited Leeds. " + UK_TEXT
    assert speaker_of(nlp, text, "Britain will raise", dt.date(2005, 3, 1))[0] == "Gordon Brown"


def test_country_of_the_description_picks_the_office(nlp):
    text = "The Russian foreign minister said that talks with Washington would go on."
    assert speaker_of(nlp, text, "talks with Washington", dt.date(2022, 1, 28))[0] == "Sergey Lavrov"


# --- confidence and invariants --------------------------------------------------------------------


def test_confidence_is_lower_for_a_pronoun_than_for_a_name(nlp):
    text = "Mr. Ron Dale met Ann Pike in Ohio on Monday. Ann Pike said the bill would fail. She said taxes would rise."
    named = speaker_of(nlp, text, "the bill would fail")[1]
    pron = speaker_of(nlp, text, "taxes would rise")[1]
    assert pron.speaker_cluster.name == named.speaker_cluster.name == "Ann Pike"
    assert 0 < pron.confidence < named.confidence


def test_no_speaker_is_a_first_or_second_person_pronoun(nlp):
    text = (
        '"We will win," said Ann Pike. I think she is right, and you said so too. '
        'Mr. Ron Dale said: "I told them we would stay."'
    )
    _, ents, claims = claims_of(nlp, text)
    for c in claims:
        if c.speaker_cluster is not None:
            assert c.speaker_cluster.canonical_name.lower() not in FIRST_PERSON | SECOND_PERSON
            assert c.speaker_cluster.type != "PERSON" or re.search(r"[A-Z]", c.speaker_cluster.name)


# --- the offices table ---------------------------------------------------------------------------


def test_builtin_offices_are_consistent():
    table = load_offices()
    assert len(table.tenures) > 100
    for t in table.tenures:
        assert t.end is None or t.start < t.end
    # one holder per office and country at any day
    for day in (dt.date(2005, 3, 1), dt.date(2016, 9, 20), dt.date(2022, 1, 28)):
        seen = {}
        for t in table.tenures:
            if t.held_on(day):
                assert seen.setdefault((t.country, t.office), t.holder) == t.holder, (day, t)


def test_user_rows_extend_the_table(tmp_path, monkeypatch):
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "country\toffice\taliases\tholder\tstart\tend\n"
        "IRL\ttaoiseach\ttaoiseach|irish prime minister\tBertie Ahern\t1997-06-26\t2008-05-07\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NEWSCLAIMS_OFFICES", str(extra))
    load_offices.cache_clear()
    try:
        table = load_offices()
        assert [t.holder for t in table.holders("the Taoiseach", dt.date(2005, 1, 1))] == ["Bertie Ahern"]
        assert table.holders("the taoiseach", dt.date(2010, 1, 1)) == []
    finally:
        monkeypatch.delenv("NEWSCLAIMS_OFFICES")
        load_offices.cache_clear()


def test_bad_office_rows_are_refused_with_the_line():
    header = "country\toffice\taliases\tholder\tstart\tend\n"
    with pytest.raises(ValueError, match=r"mine.tsv:2: .*not a date"):
        read_offices_tsv(header + "GBR\tprime minister\t\tTony Blair\t1997-13-01\t\n", "mine.tsv")
    with pytest.raises(ValueError, match=r"not after start"):
        read_offices_tsv(header + "GBR\tprime minister\t\tTony Blair\t2007-06-27\t1997-05-02\n")
    with pytest.raises(ValueError, match=r"lacks column"):
        read_offices_tsv("country\toffice\n")
    assert isinstance(Offices(read_offices_tsv(header)), Offices)


# --- one quotation finder for claims and entities ------------------------------------------------


@pytest.mark.parametrize("open_, close", [("“", "”"), ("«", "»"), ("''", "''")])
def test_a_person_named_only_inside_a_quotation_is_no_antecedent(nlp, open_, close):
    """Pronoun resolution skips names inside quotation marks of every style the claims see."""
    text = (
        f"Anna Berg spoke to reporters on Monday. {open_}Viktor Petrov has lied to us all,{close} "
        f"she said. He said the deal was dead."
    )
    name, _ = speaker_of(nlp, text, "the deal was dead")
    assert name != "Viktor Petrov"
