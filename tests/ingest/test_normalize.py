import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclaims.ingest.dates import date_line, infer_year
from newsclaims.ingest.normalize import body_to_raw, normalise
from newsclaims.ingest.profiles import load_profiles, parse_profiles, recognise


def test_year_inferred_from_dates_in_text():
    text = "On December 17, 2021, drafts were published. On January 26, answers came. He spoke on Friday."
    assert infer_year(1, 28, text) == 2022
    assert infer_year(1, 28, "No dates here.") is None
    # the article cannot predate what it reports
    assert infer_year(3, 1, "The vote on March 5, 2020 was close.") == 2021


def test_generic_dateline_and_title():
    raw = (
        "Court rules on the merger\n\nLONDON (Reuters) - The court said on Monday that the merger "
        "may proceed, a spokesman said.\n\nMore text follows here in a second paragraph."
    )
    n = normalise(raw, recognise(raw, load_profiles()))
    assert n.outlet == "Reuters"
    assert n.title == "Court rules on the merger"
    assert n.dateline_place == "London"
    assert n.body.startswith("The court said on Monday")


def test_declarative_profile_without_code():
    profiles = parse_profiles(
        """
[[outlets]]
name = "Daily Example"
recognise = ['Daily Example Newsletter']
noise_lines = ["Subscribe now"]
metadata = ['^Published: (?P<date>\\d{4}-\\d{2}-\\d{2})\\s*']
""",
        "test",
    )
    raw = (
        "Published: 2023-05-02\nA headline about things\n\nSubscribe now\n\nThe mayor said the budget "
        "will pass this week, officials said.\n\nDaily Example Newsletter"
    )
    p = recognise(raw, profiles)
    n = normalise(raw, p)
    assert n.outlet == "Daily Example"
    assert n.published_date == dt.date(2023, 5, 2) and n.date_source == "metadata"
    assert "Subscribe now" not in n.body and n.title == "A headline about things"


def _check_map(raw, n):
    """Every visible body character maps to the same character of the raw text."""
    for i, ch in enumerate(n.body):
        if not ch.isspace():
            assert raw[body_to_raw(i, n.body_map)] == ch


pieces = st.sampled_from(
    list('abcXYZ“”"’.,é')
    + ["e\u0301", "\u00a0", "\u200b", "\u202e", " ", "  ", "\n", "\n\n", "\t", "word", "Title"]
)
words = st.lists(pieces, max_size=120).map("".join)


@settings(max_examples=150, deadline=None)
@given(words)
def test_body_maps_back_to_raw_and_normalising_twice_changes_nothing(raw):
    n = normalise(raw)
    _check_map(raw, n)
    assert normalise(n.body, split_header=False).body == n.body


def test_topic_headline_then_dateline_paragraph():
    """A "TOPIC - HEADLINE" first line is the title, not a dateline; a paragraph that is only a place
    and a date is the dateline, and the body starts after it."""
    raw = (
        "RUGBY - NORTHVALE TAKE OVER AT TOP AFTER WIN .\n\nLONDON 2001-03-04\n\n"
        "Northvale moved to the top of the table on Sunday after a win at home .\n\nMore text .\n"
    )
    n = normalise(raw)
    assert n.title == "RUGBY - NORTHVALE TAKE OVER AT TOP AFTER WIN ."
    assert n.dateline_place == "London"
    assert n.published_date == dt.date(2001, 3, 4) and n.date_source == "dateline"
    assert n.body.startswith("Northvale moved to the top")
    _check_map(raw, n)
    raw2 = "Vote count begins\n\nKANSAS CITY , Mo. 2001-03-04\n\nThe count began on Sunday morning .\n"
    n2 = normalise(raw2)
    assert n2.title == "Vote count begins" and n2.dateline_place == "Kansas City, Mo"
    assert n2.body.startswith("The count began")


def test_dateline_in_the_first_paragraph_is_not_a_title():
    raw = "PARIS (AFP) - The minister said on Monday that talks would resume.\n\nMore text follows here."
    n = normalise(raw)
    assert n.title is None and n.dateline_place == "Paris"
    assert n.body.startswith("The minister said")


def test_language_from_prose_only_and_undecided_when_unsure():
    from newsclaims.ingest.normalize import detect_language

    table = "Northvale 296 , Eastham 83 and 174\n\nWestshire 2 Southport 1\n\nOldbury 3 Kingsford 0\n"
    assert detect_language(table) is None  # no prose: not decided (extracted as English)
    prose = "The council said on Monday that the new budget will pass this week, officials said."
    assert detect_language(table + "\n" + prose) == "en"
    assert (
        detect_language(
            "Le ministre de la Santé a déclaré mardi que la nouvelle clinique ouvrira au printemps prochain."
        )
        == "fr"
    )


def test_header_date_lines_give_the_date_and_are_neither_title_nor_body():
    raw = (
        "Updated: November 11, 2011 18:50 IST\n\nNavy foils pirate attack in the Gulf of Aden\n\n"
        "Published on: Fri, 10 Nov 2011 at 09:56 IST\n\nThe Indian Navy said on Friday that a warship "
        "had driven off two pirate skiffs, officials said.\n\nThe crew were unhurt."
    )
    n = normalise(raw)
    assert n.title == "Navy foils pirate attack in the Gulf of Aden"
    assert (
        n.published_date == dt.date(2011, 11, 10) and n.date_source == "date line"
    )  # published, not updated
    assert n.body.startswith("The Indian Navy said on Friday") and "IST" not in n.body
    start = n.body.index("warship")
    assert raw[body_to_raw(start, n.body_map) :].startswith("warship")


@pytest.mark.parametrize(
    "line, day",
    [
        ("PUBLISHED: 22:07 GMT, 7 July 2012 | UPDATED: 06:55 GMT, 8 July 2012", dt.date(2012, 7, 7)),
        ("21 July 2013 Last updated at 11:11 GMT", dt.date(2013, 7, 21)),
        ("14:25 Sun Sep 15 2013", dt.date(2013, 9, 15)),
        ("on Jul 7 2012, 5:55p", dt.date(2012, 7, 7)),
        ("12:52 p.m. EDT May 2, 2013", dt.date(2013, 5, 2)),
        ("26 September 2013, 10:00 (GMT+05:00)", dt.date(2013, 9, 26)),
        ("Story Created: Aug 7, 2012 at 9:56 AM AKDT", dt.date(2012, 8, 7)),
        ("on September 10th, 2010", dt.date(2010, 9, 10)),
        ("Published: Tuesday, Dec. 20 2005 12:00 a.m. MST", dt.date(2005, 12, 20)),
    ],
)
def test_header_date_line_forms(line, day):
    n = normalise(f"{line}\n\nA storm hits the coast\n\nRain fell all day, the weather service said.")
    assert (n.published_date, n.date_source) == (day, "date line")
    assert n.title == "A storm hits the coast" and n.body.startswith("Rain fell")


@pytest.mark.parametrize(
    "line",
    [
        "Reid checked herself in on Tuesday, December 9, 2008.",
        "Posted 1 year, 160 days ago [downloaded on 2 October 2013]",
        "Seacom operations fully restored: 4 November 2011",
        "POSTED: 1052 GMT (1852 HKT), April 10, 2007",
    ],
)
def test_a_short_line_with_other_words_than_a_date_is_not_a_date_line(line):
    assert date_line(line) is None


def test_a_date_inside_prose_is_not_a_date_line():
    raw = (
        "Storm hits the coast\n\nAugust 2, 2013 was the wettest day on record, the weather service said.\n\n"
        "Friday, May 24, 2005\n\nMore rain is expected."
    )
    n = normalise(raw)
    assert n.body.startswith("August 2, 2013 was the wettest day")
    assert n.published_date == dt.date(2005, 5, 24) and "Friday, May 24" not in n.body


def test_metadata_date_wins_over_a_date_line():
    n = normalise(
        "A headline about rates\n\nPosted May 23, 2005\n\nThe bank held rates, it said.",
        metadata={"date": "2005-05-24"},
    )
    assert n.published_date == dt.date(2005, 5, 24) and n.date_source == "metadata"
    assert "Posted" not in n.body
