"""The one quotation finder (extract/quotes.py) that claims and entities share: every mark style,
paragraph continuation, and the ranges entities and pronoun resolution treat as quoted."""

from newsclaims.extract.quotes import find_quotes, inside, quoted_ranges


def texts(text):
    return [[text[s:e] for s, e in q.spans] for q in find_quotes(text)]


def test_every_mark_style_is_a_quotation():
    text = (
        "He said “curly” and \"straight\" and «guillemets» and „low-high“ and ''doubled'' and ``backticks''."
    )
    assert texts(text) == [
        ["“curly”"],
        ['"straight"'],
        ["«guillemets»"],
        ["„low-high“"],
        ["''doubled''"],
        ["``backticks''"],
    ]


def test_a_quote_continues_into_a_paragraph_opened_with_the_same_mark():
    text = "“We will stay.\n“We will not leave,” she said.\n\n“Another quote,” he said."
    quotes = find_quotes(text)
    assert [len(q.spans) for q in quotes] == [2, 1]
    assert [text[s:e] for s, e in quotes[0].spans] == ["“We will stay.", "“We will not leave,”"]


def test_a_paragraph_in_another_mark_style_starts_a_quote_of_its_own():
    text = '"A block quote opens.\n“An inner quote,” it goes on.'
    assert [len(q.spans) for q in find_quotes(text)] == [1, 1]


def test_an_unclosed_quote_ends_with_its_paragraph():
    text = "She said “this never closes\nNext paragraph, outside."
    (q,) = find_quotes(text)
    assert text[q.start : q.end] == "“this never closes"
    assert not inside(q, text.index("Next"))


def test_a_closing_mark_typed_before_a_word_opens():
    text = "”What is this?” Ana Ruiz asked."
    assert texts(text) == [["”What is this?”"]]


def test_quoted_ranges_are_the_fragments_of_every_quote_in_text_order():
    text = "«Mikhail Orlov is wrong», she said.\n“First part.\n“Second part,” he added."
    ranges = quoted_ranges(text)
    assert [text[s:e] for s, e in ranges] == ["«Mikhail Orlov is wrong»", "“First part.", "“Second part,”"]
    assert ranges == sorted(ranges)
