"""Reporting verbs (constructions/verb_cue.py): direct, indirect and mixed speech around a cue verb."""

from claims.conftest import claims_of, one


def test_direct_speaker_after():
    one(
        "Maria Keller arrived late. “We will rebuild the bridge by May,” Keller said.",
        kind="direct",
        speaker="Keller",
        entity="Maria Keller",
        cue="said",
        contains="rebuild the bridge",
    )


def test_direct_speaker_before_with_colon():
    one(
        "Mayor Tom Baines spoke on Monday. Baines told reporters: “The budget is balanced.”",
        kind="direct",
        entity="Tom Baines",
        contains="budget is balanced",
    )


def test_direct_inverted():
    one("“Nobody expected this outcome,” said Anna Roth, a councillor.", kind="direct", entity="Anna Roth")


def test_split_quote_is_one_claim_with_two_fragments():
    c = one(
        "“The plan is ready,” Chancellor Olaf Brandt said, “and it starts next week.”",
        kind="direct",
        entity="Olaf Brandt",
    )
    assert c["fragments"] == 2 and "starts next week" in c["content"]


def test_indirect_speech():
    one(
        "Economy Minister Carla Diaz said the deficit would shrink next year.",
        kind="indirect",
        entity="Carla Diaz",
        cue="said",
        contains="the deficit would shrink",
    )


def test_indirect_content_first():
    one(
        "Inflation will fall by summer, central bank governor Peter Nilsen said on Tuesday.",
        kind="indirect",
        entity="Peter Nilsen",
        contains="Inflation will fall",
    )


def test_mixed_quote():
    one(
        "Helen Ward leads the union. Ward described the offer as “an insult to every nurse”.",
        kind="mixed",
        entity="Helen Ward",
        contains="an insult to every nurse",
    )


def test_trailing_apposition_is_the_writers_gloss():
    c = one("The union endorsed Maria Keller, the former mayor of the town.", cue="endorsed")
    assert c["content"] == "Maria Keller"


def test_relative_that_on_a_document_is_no_source():
    found = claims_of("Officials released a study that shows the river is cleaner than a decade ago.")
    assert not any(c["speaker"] == "that" for c in found)


def test_participle_describing_a_noun_is_no_claim():
    found = claims_of("Voters supporting the new stadium packed the hall on Monday.")
    assert not any(c["cue"] == "supporting" for c in found)


def test_apposition_that_names_or_lists_is_kept():
    c = one(
        "The mayor praised her early talks with the company's chief executive, Lena Ortiz.", cue="praised"
    )
    assert c["content"] == "her early talks with the company's chief executive, Lena Ortiz"
    c = one("The senator criticized the spending, the new tax and the budget cuts.", cue="criticized")
    assert c["content"] == "the spending, the new tax and the budget cuts"


def test_relative_pronoun_before_the_frame_opens_the_content():
    c = one("He flew to Denver, which he described as his second home.", cue="described")
    assert c["content"] == "which as his second home" and c["fragments"] == 2
    c = one("She visited the plant, which she thought that only engineers could enter.", cue="thought")
    assert c["content"].startswith("that only engineers") and c["fragments"] == 1


def test_coordinated_bare_infinitives_continue_the_reported_plan():
    c = one(
        "The governor has proposed to double the size of the youth program, expand the library and "
        "build a new park.",
        cue="has proposed",
    )
    assert c["content"] == "to double the size of the youth program, expand the library and build a new park"


def test_which_clause_after_a_reported_clause_stays_after_a_noun_phrase_goes():
    c = one(
        "The mayor said the council had approved the budget, which was a relief to the unions.", cue="said"
    )
    assert c["content"] == "the council had approved the budget, which was a relief to the unions"
    c = one("The mayor praised the new budget, which was approved last week.", cue="praised")
    assert c["content"] == "the new budget"
    c = one(
        "The mayor said the council had approved the budget, which she described as a relief.", cue="said"
    )
    assert c["content"] == "the council had approved the budget"


def test_reported_clause_continues_after_a_comma_frame():
    c = one(
        "The top fifth paid 25 percent, the office said in a June report, and those in the bottom fifth of "
        "incomes paid 1.5 percent.",
        cue="said",
    )
    assert (
        c["content"] == "The top fifth paid 25 percent those in the bottom fifth of incomes paid 1.5 percent"
    )
    assert c["fragments"] == 2
    c = one("The plan will fail, she said, adding that it costs too much.", cue="said")
    assert c["content"] == "The plan will fail" and c["fragments"] == 1


def test_purpose_infinitive_after_the_object_is_no_part_of_the_content():
    c = one("She cited the police killings of two teenagers to give context to the protests.", cue="cited")
    assert c["content"] == "the police killings of two teenagers"
    c = one("The senator praised his efforts to find a solution to the crisis.", cue="praised")
    assert c["content"] == "his efforts to find a solution to the crisis"


def test_during_phrase_after_the_object_is_the_setting():
    c = one("The governor praised the new clinic during a campaign stop in Flint.", cue="praised")
    assert c["content"] == "the new clinic"


def test_bare_participle_takes_the_subject_of_its_verb():
    one(
        "Mayor Tom Baines defended the budget on Monday, saying the city had no other choice.",
        speaker="Mayor Tom Baines",
        cue="saying",
        content="the city had no other choice",
    )


def test_participle_on_a_noun():
    one(
        "Most voters saying the economy is weak stayed home.",
        speaker="Most voters",
        cue="saying",
        contains="the economy is weak",
    )


def test_cue_found_from_the_word_form_when_the_lemma_is_wrong():
    one(
        "Senator Ann Pike hoped the vote would pass before the recess.",
        cue="hoped",
        contains="the vote would pass",
    )


def test_object_cue():
    one(
        "Governor Lee Park cited a new report on rising rents.",
        speaker="Governor Lee Park",
        cue="cited",
        content="a new report on rising rents",
    )


def test_infinitive_of_an_attitude_verb():
    one(
        "The union declined to comment on the offer.",
        speaker="The union",
        cue="declined",
        content="to comment on the offer",
    )


def test_preposition_belongs_to_the_cue():
    one(
        "Rita Moss called for a full inquiry into the fire.",
        speaker="Rita Moss",
        cue="called for",
        content="a full inquiry into the fire",
    )


def test_hypothetical_attitude_is_no_claim():
    assert not [
        c
        for c in claims_of("Ben Olsen would support the bill if it passed.")
        if c["cue"] and "support" in c["cue"]
    ]


def test_cue_takes_its_colon_and_inner_adverbs():
    one("Judge Amy Cole read her ruling. Cole said: “The law is clear.”", kind="direct", cue="said:")
    one(
        "Foreign Minister Ivan Petrov has also said the talks would resume.",
        cue="has also said",
        contains="the talks would resume",
    )
    one(
        "The senator has long argued that taxes are too high.",
        cue="has long argued",
        contains="taxes are too high",
    )


def test_content_runs_through_the_closing_quote_mark():
    one(
        "Maria Keller said the plan was “a total failure.”",
        cue="said",
        content="the plan was “a total failure.”",
    )


def test_source_is_the_whole_noun_phrase_with_apposition():
    one(
        "Greta Holm, a councillor from the harbour district, said the ferry would stop running.",
        speaker="Greta Holm, a councillor from the harbour district,",
        entity="Greta Holm",
        contains="the ferry would stop running",
    )


def test_parenthetical_cue_gives_two_fragments():
    c = one("The new bridge, the mayor said, would open in the spring.", cue="said", speaker="the mayor")
    assert c["fragments"] == 2 and c["content"] == "The new bridge would open in the spring"


def test_participle_after_the_cue_takes_its_own_quote():
    one(
        "Ines Berg praised the volunteers, adding, “They worked through the night.”",
        cue="adding",
        kind="direct",
        content="“They worked through the night.”",
    )


def test_reported_clause_stops_before_a_coordinated_cue():
    one(
        "Ola Dahl says he will cut taxes and tells the crowd the deficit will shrink.",
        cue="says",
        content="he will cut taxes",
    )


def test_partly_quoted_clause_is_one_claim():
    found = [
        c
        for c in claims_of("Mayor Tom Baines says the city has “done everything it could.”")
        if c["cue"] == "says"
    ]
    assert len(found) == 1 and found[0]["content"] == "the city has “done everything it could.”"


def test_addressee_of_urge_is_part_of_the_content():
    one(
        "The pastor urged the congregation to stand and pray.",
        cue="urged",
        content="the congregation to stand and pray",
    )


def test_clause_opening_a_quote_runs_to_its_end():
    found = [
        c
        for c in claims_of("Paul Ek said that the team has “taken every punch, and it is still standing.”")
        if c["cue"] == "said"
    ]
    assert len(found) == 1 and found[0]["content"].endswith("still standing.”")


def test_statement_belongs_to_the_cue():
    one(
        "The ministry said in a statement that the talks had failed.",
        cue="said in a statement",
        content="that the talks had failed",
    )


def test_reported_clause_ends_before_a_line_break_and_a_participle_cue():
    one(
        "Ines Berg said the deal was fair, saying nobody lost.\nThe vote is on Monday.",
        cue="said",
        content="the deal was fair",
    )


def test_adverb_before_the_cue_belongs_to_it():
    one(
        "Ola Dahl quickly noted that the plan had changed.",
        cue="quickly noted",
        content="that the plan had changed",
    )


def test_asked_without_a_named_asker():
    one(
        "Asked whether the talks would resume, Ola Dahl said nothing.",
        cue="Asked",
        speaker=None,
        content="whether the talks would resume",
    )


def test_quoted_paragraph_after_a_quote_continues_it():
    text = (
        "“The harbour will reopen in May,” Mayor Tom Baines told the council.\n\n"
        "“After that we will rebuild the pier. It will take a year.”\n\nThe council met again on Friday."
    )
    c = one(text, kind="direct", cue="told", contains="harbour will reopen")
    assert c["fragments"] == 2 and "rebuild the pier" in c["content"]


def test_passive_cue_reports_its_subject_and_has_no_named_source():
    c = one("The new bridge is expected to open in the spring.", cue="is expected", speaker=None)
    assert c["fragments"] == 2 and c["content"] == "The new bridge to open in the spring"


def test_passive_addressee_is_not_the_source():
    one(
        "Ines Berg was asked whether the talks would resume.",
        cue="was asked",
        speaker=None,
        content="whether the talks would resume",
    )


def test_seem_reports_its_subject_without_a_source():
    c = one("Ola Dahl seemed certain to win the vote.", cue="seemed", speaker=None)
    assert c["content"] == "Ola Dahl certain to win the vote" and c["fragments"] == 2


def test_preposition_cues_from_the_lexicon():
    one("Ines Berg joked about the weather in Bergen.", cue="joked about", content="the weather in Bergen")


def test_object_content_keeps_the_rest_of_the_verb_phrase():
    one(
        "Ines Berg compared the campaign to a slow train.",
        cue="compared",
        content="the campaign to a slow train",
    )


def test_frame_inside_a_relative_clause_splits_the_content():
    c = one(
        "The new law, which the mayor said was a mistake, passed on Monday.", cue="said", speaker="the mayor"
    )
    assert c["content"] == "which was a mistake" and c["fragments"] == 2


def test_quote_after_the_frame_joins_the_last_direct_quote_of_the_paragraph():
    c = one(
        "“We expect five thousand people,” said Tim Ek, who leads a group that expects more. “It will be loud.”",
        kind="direct",
        cue="said",
    )
    assert c["fragments"] == 2 and "It will be loud" in c["content"]


def test_quote_ending_a_clause_before_the_frame_is_mixed_with_the_clause():
    one(
        "Ms. Lund is “not a quitter,” her coach said.",
        kind="mixed",
        cue="said",
        content="Ms. Lund is “not a quitter,”",
    )


def test_object_content_stops_at_the_time_of_saying():
    one("Ines Berg endorsed the new mayor on Thursday.", cue="endorsed", content="the new mayor")


def test_quote_after_mixed_content_continues_it():
    c = one(
        "The new tax ''is the thing that saved us,'' Carla Ruiz said. ''Nobody expected it.''",
        kind="mixed",
        cue="said",
    )
    assert c["fragments"] == 2 and "Nobody expected it" in c["content"]


def test_participle_on_a_statement_takes_the_issuer_and_its_verb():
    one(
        "The ministry issued a statement saying the talks had failed.",
        cue="issued a statement saying",
        speaker="The ministry",
        content="the talks had failed",
    )


def test_attribution_inside_reported_content_is_not_a_claim_of_its_own():
    text = "Councillor Mia Dahl said the builders had agreed to finish the school by June."
    one(
        text,
        speaker="Councillor Mia Dahl",
        cue="said",
        content="the builders had agreed to finish the school by June",
    )
    assert not [c for c in claims_of(text) if c["cue"] and "agreed" in c["cue"]]
    text = "Ana Ruiz says she hopes to win the seat."
    one(text, speaker="Ana Ruiz", cue="says", content="she hopes to win the seat")
    assert [c["cue"] for c in claims_of(text)] == ["says"]


def test_reported_clause_after_a_time_phrase():
    one(
        "Mayor Lena Brandt said after the meeting she would not seek a second term.",
        speaker="Mayor Lena Brandt",
        cue="said",
        content="she would not seek a second term",
    )


def test_find_is_a_cue_for_a_clause_not_for_an_object():
    one(
        "Mayor Ana Ruiz sought a full recount of the ballots.",
        speaker="Mayor Ana Ruiz",
        cue="sought",
        content="a full recount of the ballots",
    )
    assert not [
        c for c in claims_of("Voters often find the forms hard to read.") if c["cue"] and "find" in c["cue"]
    ]


def test_quote_ending_its_sentence_is_not_the_content_of_the_next_reported_clause():
    text = "Ana Ruiz spoke first. “We will win.” Tom Baines said the vote was close."
    one(text, kind="indirect", speaker="Tom Baines", cue="said", content="the vote was close")
    assert not [c for c in claims_of(text) if c["speaker"] == "Tom Baines" and "We will win" in c["content"]]


def test_when_asked_is_a_question_without_a_named_asker():
    one(
        "“We will see,” Mayor Ana Ruiz said when asked whether she would run again.",
        speaker=None,
        cue="asked",
        content="whether she would run again",
    )


def test_addressee_of_tell_is_not_the_content():
    assert not [
        c for c in claims_of("The real problem, he told me on Friday, is the budget.") if c["content"] == "me"
    ]


def test_call_for_with_an_infinitive_clause():
    one(
        "Mayor Tom Baines is calling for the state to repair the bridge.",
        speaker="Mayor Tom Baines",
        cue="is calling for",
        content="the state to repair the bridge",
    )


def test_purpose_infinitive_and_gerund_after_a_preposition_take_the_subject():
    one(
        "Union leaders gathered on Monday to discuss the offer.",
        speaker="Union leaders",
        cue="to discuss",
        content="the offer",
    )
    one(
        "Senator Ann Pike won the primary by talking about rural hospitals.",
        speaker="Senator Ann Pike",
        cue="talking about",
        content="rural hospitals",
    )


def test_say_with_an_object():
    one(
        "Most voters said the same of the governor.",
        speaker="Most voters",
        cue="said",
        content="the same of the governor",
    )


def test_see_is_a_cue_only_for_seeing_something_as_something():
    one(
        "Most Democrats see Clinton as the stronger candidate.",
        speaker="Most Democrats",
        cue="see",
        content="Clinton as the stronger candidate",
    )
    assert not claims_of("They saw the film twice.")


def test_tweet_with_an_object():
    one(
        "Mayor Ana Ruiz tweeted a photo of the flooded street.",
        speaker="Mayor Ana Ruiz",
        cue="tweeted",
        content="a photo of the flooded street",
    )


def test_that_standing_for_a_group_is_a_source():
    one(
        "The farmers' group that opposed the tariff held a rally.",
        speaker="that",
        cue="opposed",
        content="the tariff",
    )


def test_passive_speech_cue_without_complement_reports_its_subject():
    one(
        "The diagnosis of a blood clot was confirmed.",
        speaker=None,
        cue="was confirmed",
        content="The diagnosis of a blood clot",
    )
    assert not [c for c in claims_of("He was confirmed.") if c["content"] == "He"]


def test_hearing_something_is_no_attribution():
    assert not [
        c
        for c in claims_of("Neighbours heard the explosion at midnight.")
        if c["cue"] and "heard" in c["cue"]
    ]


def test_vote_for_takes_the_preposition_into_the_cue():
    one(
        "Most farmers in the county voted for Governor Lee Park in 2012.",
        cue="voted for",
        content="Governor Lee Park",
    )


def test_platform_is_where_not_what():
    c = one("Senator Ann Pike praised the new budget on Twitter.", cue="praised")
    assert c["content"] == "the new budget"


def test_cue_under_a_raising_verb():
    one(
        "Senator Ann Pike seemed to blame the network for its reporting.",
        speaker="Senator Ann Pike",
        cue="seemed to blame",
        content="the network for its reporting",
    )


def test_expletive_it_of_a_raising_verb_is_no_part_of_the_content():
    one(
        "It appears that the talks between the two parties failed.",
        cue="appears",
        content="that the talks between the two parties failed",
    )


def test_date_on_the_object_is_when_not_what():
    c = one("Senator Ann Pike announced her candidacy in June 2015.", cue="announced")
    assert c["content"] == "her candidacy"


def test_as_someone_put_it():
    one(
        "As Tom Ridge put it: “The barbarians are inside.”",
        speaker="Tom Ridge",
        cue="put it:",
        content="“The barbarians are inside.”",
    )
    assert not claims_of("He put it on the table.")


def test_curly_quote_after_a_paragraph_opened_by_a_straight_mark_is_a_quote_of_its_own():
    text = (
        'The reporter described the night.\n\n"Tom was asleep.\n\n'
        "“She is here, honey,” Ana Ruiz said. “The mayor is here.”"
    )
    c = one(text, speaker="Ana Ruiz", cue="said")
    assert c["content"] == "“She is here, honey,” “The mayor is here.”" and c["fragments"] == 2


def test_unclosed_quote_paragraph_does_not_continue_the_quote_before():
    text = (
        "“We will win,” Ana Ruiz said. “Nothing changes.”\n\n"
        '"The crowd cheered for a long time.\n\nThe rally ended at ten.'
    )
    c = one(text, speaker="Ana Ruiz", cue="said")
    assert "crowd" not in c["content"]


def test_a_bare_function_word_is_no_content():
    assert not claims_of("It was exactly the kind of help that the voters never asked for.")
    assert not claims_of("The budget is something I know of.")


def test_a_source_that_is_the_content_is_dropped():
    c = one(
        "Senator Ann Pike went on to endorse Ayotte, calling her a rising star.",
        cue="went on to endorse",
        content="Ayotte",
    )
    assert c["speaker"] is None


def test_reported_clause_whose_subject_was_parsed_as_the_object():
    one(
        "Anderson seemed to think the outreach to black voters was somewhat phony.",
        cue="seemed to think",
        content="the outreach to black voters was somewhat phony",
    )


def test_parenthetical_frame_in_a_relative_clause():
    c = one("The park is near the stadium, which, Ana Ruiz said, is usually full on game days.", cue="said")
    assert c["content"] == "which is usually full on game days" and c["fragments"] == 2


def test_parenthetical_frame_without_the_writers_contrast():
    c = one(
        "The latest test, the agency said, was its biggest yet, although it may take days to know.",
        cue="said",
    )
    assert c["content"] == "The latest test was its biggest yet"


def test_reported_clause_continues_into_a_subjectless_clause_hung_on_the_cue():
    one(
        "But Flynn said Trump has enormous respect for the military and his rubble comment was instead an "
        "expression of frustration with the strategy.",
        cue="said",
        content="Trump has enormous respect for the military and his rubble comment was instead an expression "
        "of frustration with the strategy",
    )


def test_passive_charge_without_agent_takes_its_preposition():
    c = one(
        "Peacekeepers have sometimes been accused of hurting the civilians they were sent to protect.",
        cue="have sometimes been accused of",
        speaker=None,
    )
    assert (
        c["content"] == "Peacekeepers hurting the civilians they were sent to protect" and c["fragments"] == 2
    )


def test_content_does_not_end_in_a_dangling_conjunction():
    c = one(
        "The mayor emphasized that the city budget was not balanced, and union leaders warned that the "
        "council was losing control of its pension funds.",
        cue="emphasized",
    )
    assert c["content"] == "that the city budget was not balanced"
    c = one(
        'She then urges her brother to step out of the truck and repeatedly says, "Please stay calm," until '
        "the police arrive.",
        cue="then urges",
    )
    assert c["content"] == "her brother to step out of the truck"


def test_parenthetical_frame_after_an_opening_clause():
    c = one(
        "If this argument fails to persuade, Mr. Diaz argues, there are other tools in the toolbox.",
        cue="argues",
        speaker="Mr. Diaz",
    )
    assert c["content"] == "If this argument fails to persuade there are other tools in the toolbox"
    assert c["fragments"] == 2


def test_quoted_paragraph_continues_a_partly_quoted_claim():
    c = one(
        "Mayor Ana Ruiz said the plan was “a failure from the start.”\n\n“Nobody in this city will fund it.”",
        cue="said",
        kind="mixed",
    )
    assert c["fragments"] == 2 and c["content"].endswith("“Nobody in this city will fund it.”")


def test_frame_opened_by_as():
    one(
        "But as Senator Ann Pike noted, those voters will give the mayor a second look.",
        cue="noted",
        speaker="Senator Ann Pike",
        content="those voters will give the mayor a second look",
    )
    one(
        "That is basically the textbook definition of racism, as House Speaker Paul Ryan has pointed out.",
        cue="has pointed out",
        content="That is basically the textbook definition of racism",
    )


def test_reported_clause_ends_at_a_semicolon():
    one(
        "Republicans said the timing of the news was not intentional; they only learned of the deal on Friday.",
        cue="said",
        content="the timing of the news was not intentional",
    )


def test_passive_cue_takes_its_as():
    c = one(
        "The senator was widely viewed as the stronger candidate.", cue="was widely viewed as", speaker=None
    )
    assert c["content"] == "The senator the stronger candidate" and c["fragments"] == 2


def test_went_on_to_say_is_one_cue():
    one("He went on to say: “We will win.”", cue="went on to say:", content="“We will win.”")


def test_participle_on_a_document_source_is_part_of_it():
    one(
        "A Government Accountability Office report released last year found that the program was poorly managed.",
        cue="found",
        speaker="A Government Accountability Office report released last year",
    )
    one("Maria Keller, wearing a red cap, said the plan would fail.", cue="said", speaker="Maria Keller")


def test_age_after_the_name_is_part_of_the_source():
    one("Quina Jones, 25, said the march would go on.", cue="said", speaker="Quina Jones, 25,")


def test_asked_someone_if_reports_the_question_only():
    one(
        "The reporter asked the students if they were always so serious.",
        cue="asked",
        content="if they were always so serious",
    )


def test_quote_after_that_is_part_of_the_reported_clause():
    c = one(
        "Spokeswoman Ana Ruiz said via email that, “Of course the mayor is going to defend himself” against "
        "what the campaign sees as a coordinated attack.",
        cue="said",
    )
    assert (
        c["kind"] == "mixed"
        and c["content"].startswith("that, “Of course")
        and c["content"].endswith("a coordinated attack")
    )


def test_a_text_reads_a_quote():
    one(
        "“We cannot wait any longer,” the letter reads.",
        cue="reads",
        speaker="the letter",
        content="“We cannot wait any longer,”",
    )
    assert not claims_of("He read the book twice.")


def test_understand_is_a_belief_cue():
    one(
        "The mayor, who understood that a new vote would be fruitless, left the meeting early.",
        cue="understood",
        speaker="who",
        content="that a new vote would be fruitless",
    )


def test_document_and_debate_take_their_object():
    one(
        "The research documented faster increases in temperatures.",
        cue="documented",
        content="faster increases in temperatures",
    )
    one(
        "Scholars have long debated the role of ethnic ties in voting.",
        cue="have long debated",
        content="the role of ethnic ties in voting",
    )


def test_manner_verbs_are_cues_next_to_a_quote():
    one(
        "“Nobody reads those reports,” Ana Ruiz scoffed.",
        cue="scoffed",
        speaker="Ana Ruiz",
        content="“Nobody reads those reports,”",
    )
    assert not claims_of("She laughed at the joke.")
