"""Story clustering (the link stage's ``linking.assign_stories``) and ``newsclaims eval stories``.

All articles are composed for these tests."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsclaims.evaluation.stories_eval import adjusted_rand_index, bcubed, detokenize
from newsclaims.linking import StoryArticle, StoryParams, assign_stories

ECB = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "ecbplus_event_clusters" / "ecbplus_docs.jsonl"
D0 = dt.date(2024, 3, 4)

FLOOD = [
    ("Floods force thousands from homes in Riverton",
     "Heavy rain overnight sent the Riverton river over its banks on Monday, forcing 3,000 people "
     "from their homes. Emergency crews used boats to reach families trapped in the eastern "
     "districts, and the mayor, Ana Ortiz, declared a state of emergency.",
     {"gpe:riverton", "person:ana-ortiz"}),
    ("Riverton mayor declares emergency as river bursts its banks",
     "The mayor of Riverton, Ana Ortiz, declared a state of emergency after the river burst its "
     "banks on Monday. About 3,000 residents were evacuated and rescuers in boats reached families "
     "stranded in the eastern districts.",
     {"gpe:riverton", "person:ana-ortiz"}),
    ("Riverton counts the cost as flood waters recede",
     "As the water receded in Riverton on Wednesday, residents returned to homes damaged by "
     "Monday's flood. Mayor Ana Ortiz said 3,000 people had been evacuated from the eastern "
     "districts and promised emergency grants to families.",
     {"gpe:riverton", "person:ana-ortiz"}),
]
ELECTION = [
    ("Ruling party wins Northland election",
     "The ruling Unity Party won Sunday's parliamentary election in Northland with 48% of the vote, "
     "according to official results. Prime Minister Karl Berg claimed victory in the capital and "
     "promised lower energy prices.", {"gpe:northland", "org:unity-party", "person:karl-berg"}),
    ("Berg claims victory as Unity Party takes Northland vote",
     "Karl Berg's Unity Party took 48% in Northland's parliamentary election on Sunday. The prime "
     "minister told supporters in the capital that energy prices would come down.",
     {"gpe:northland", "org:unity-party", "person:karl-berg"}),
]
#: the same kind of event as FLOOD, in another town, with other numbers and other people
OTHER_FLOOD = (
    "Floods force hundreds from homes in Lakeford",
    "Heavy rain sent the Lakeford river over its banks on Thursday, forcing 450 people from their "
    "homes. Rescuers used boats to reach families in the old town, and the mayor, Tom Green, "
    "declared a state of emergency.",
    {"gpe:lakeford", "person:tom-green"})
BACKGROUND = [
    ("Central bank raises rates", "The central bank raised interest rates by a quarter point on Thursday, "
     "citing stubborn inflation in services."),
    ("Home team wins the cup", "The home team won the cup final after extra time in front of 60,000 fans."),
    ("New phone launched", "The company launched a new phone with a larger screen and a better camera."),
    ("Museum reopens", "The city museum reopened after a two-year renovation of its main hall."),
    ("Strike at the airport", "Baggage handlers at the airport went on strike over pay and conditions."),
    ("School meals plan", "The council approved a plan to offer free school meals to every pupil."),
]


def art(aid: str, item, day: int = 0, outlet: str | None = None) -> StoryArticle:
    title, body, *ents = item
    return StoryArticle(aid, D0 + dt.timedelta(days=day), title, body, set(ents[0]) if ents else set(), outlet)


def background() -> list[StoryArticle]:
    """Unrelated articles already in the warehouse, as in any real run (they feed the IDF)."""
    out = []
    for i, item in enumerate(BACKGROUND):
        a = art(f"a_bg{i}", item, day=-1)
        a.story_id = f"s_bg{i}"
        out.append(a)
    return out


def test_same_event_in_other_words_joins_other_events_start_stories():
    new = [art(f"a_f{i}", a, day=i, outlet=f"o{i}") for i, a in enumerate(FLOOD)]
    new += [art(f"a_e{i}", a, day=1) for i, a in enumerate(ELECTION)]
    out = assign_stories(new, background())
    assert {out[f"a_f{i}"][0] for i in range(3)} == {"s_f0"}
    assert {out[f"a_e{i}"][0] for i in range(2)} == {"s_e0"}
    assert out["a_f0"][1] is None and out["a_f1"][1] >= StoryParams().threshold


def test_a_similar_event_elsewhere_with_other_numbers_stays_apart():
    new = [art("a_f0", FLOOD[0]), art("a_f1", FLOOD[1]), art("a_lake", OTHER_FLOOD, day=3)]
    out = assign_stories(new, background())
    assert out["a_f0"][0] == out["a_f1"][0] == "s_f0"
    assert out["a_lake"] == ("s_lake", None)


def test_the_same_kind_of_report_a_month_later_is_a_new_story():
    old = art("a_f0", FLOOD[0])
    old.story_id = "s_f0"
    assert assign_stories([art("a_f1", FLOOD[1], day=30)], background() + [old])["a_f1"] == ("s_f1", None)
    # within the window it joins
    assert assign_stories([art("a_f2", FLOOD[2], day=2)], background() + [old])["a_f2"][0] == "s_f0"


def test_a_later_run_joins_an_existing_story_without_changing_earlier_ids():
    first = [art("a_f0", FLOOD[0]), art("a_e0", ELECTION[0])]
    out1 = assign_stories(first, background())
    assert {a.story_id for a in first} == {"s_f0", "s_e0"}
    later = [art("a_f1", FLOOD[1], day=1), art("a_e1", ELECTION[1], day=1)]
    out2 = assign_stories(later, background() + first)
    assert set(out2) == {"a_f1", "a_e1"}  # only the new articles are assigned
    assert out2["a_f1"][0] == "s_f0" and out2["a_e1"][0] == "s_e0"
    assert [a.story_id for a in first] == ["s_f0", "s_e0"] and out1["a_f0"] == ("s_f0", None)
    # one run or two: the same stories
    together = assign_stories([art("a_f0", FLOOD[0]), art("a_e0", ELECTION[0]), art("a_f1", FLOOD[1], day=1),
                               art("a_e1", ELECTION[1], day=1)], background())
    assert {k: v[0] for k, v in together.items()} == {"a_f0": "s_f0", "a_e0": "s_e0", "a_f1": "s_f0",
                                                      "a_e1": "s_e0"}


def test_assignment_is_deterministic_whatever_the_input_order():
    items = [art(f"a_f{i}", a) for i, a in enumerate(FLOOD)] + [art(f"a_e{i}", a) for i, a in enumerate(ELECTION)]
    one = assign_stories(items, background())
    two = assign_stories([art(a.article_id, (a.title, a.body, a.entities)) for a in reversed(items)], background())
    assert one == two


def test_undated_articles_are_compared_with_every_story():
    old = art("a_f0", FLOOD[0], day=-60)
    old.story_id = "s_f0"
    undated = StoryArticle("a_u", None, FLOOD[1][0], FLOOD[1][1], set(FLOOD[1][2]))
    assert assign_stories([undated], background() + [old])["a_u"][0] == "s_f0"


# --- metrics and the evaluation command ------------------------------------------------------------

def test_bcubed_and_ari():
    gold = ["a", "a", "b", "b"]
    assert bcubed(gold, ["x", "x", "y", "y"]) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed(gold, ["x", "x", "x", "x"])
    assert p == 0.5 and r == 1.0
    assert adjusted_rand_index(gold, ["x", "x", "y", "y"]) == 1.0
    assert abs(adjusted_rand_index(["a", "a", "b", "b", "c", "c"], ["x", "y", "x", "y", "x", "y"])) < 0.5


def test_detokenize_ptb():
    assert detokenize("`` Reid 's rep , '' he said .") == '"Reid\'s rep," he said.'


def test_eval_stories_command_on_composed_documents(tmp_path):
    """The command runs the real pipeline on the file and scores the link stage's stories."""
    from typer.testing import CliRunner

    from newsclaims.cli import app

    rows = [{"doc_id": f"f{i}", "title": t, "text": b, "event": "flood", "split": "dev",
             "published_date": f"2024-03-0{4 + i}"} for i, (t, b, _) in enumerate(FLOOD)]
    rows += [{"doc_id": f"e{i}", "title": t, "text": b, "event": "vote", "split": "dev",
              "published_date": "2024-03-05"} for i, (t, b, _) in enumerate(ELECTION)]
    rows += [{"doc_id": "lake", "title": OTHER_FLOOD[0], "text": OTHER_FLOOD[1], "event": "lakeford", "split": "dev",
              "published_date": "2024-03-07"}]
    rows += [{"doc_id": f"bg{i}", "title": t, "text": b, "event": f"bg{i}", "split": "train"}
             for i, (t, b) in enumerate(BACKGROUND)]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", "stories", str(path), "--label", "event", "--orders", "2",
                                      "--keep", str(tmp_path / "work"), "--json", str(out)])
    assert result.exit_code == 0, result.output
    scores = json.loads(out.read_text())
    assert scores["n_docs"] == 6 and scores["n_gold"] == 3 and scores["n_dated"] == 6
    for key in ("one_run", "file_order"):
        assert scores[key]["bcubed_f1"] == 1.0 and scores[key]["ari"] == 1.0, scores[key]
    assert scores["shuffled"]["bcubed_f1"]["min"] == 1.0
    assert "file order" in result.output
    # the kept warehouse can be scored again without the pipeline
    again = CliRunner().invoke(app, ["eval", "stories", str(path), "--label", "event", "--orders", "0",
                                     "--reuse", str(tmp_path / "work")])
    assert again.exit_code == 0 and "F1 1.0000" in again.output
    missing = CliRunner().invoke(app, ["eval", "stories", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2


@pytest.mark.skipif(not ECB.exists(), reason="shared/eval/ecbplus_event_clusters not available")
def test_ecbplus_slice(tmp_path):
    """Two ECB+ dev topics (4 events) through the command: far above chance."""
    rows = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines() if line.strip()]
    slice_ = [r for r in rows if r.get("topic") in (18, 21)]
    path = tmp_path / "slice.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in slice_))
    from newsclaims.evaluation.stories_eval import main

    out = tmp_path / "scores.json"
    assert main([str(path), "--orders", "1", "--json", str(out)]) == 0
    scores = json.loads(out.read_text())
    assert scores["n_gold"] == 4
    assert scores["file_order"]["bcubed_f1"] > 0.75 and scores["file_order"]["ari"] > 0.6


# --- the names view, max linkage and the fitted weights ---------------------------------------------

def test_proper_names_are_mid_sentence_capitals_without_days_and_months():
    from newsclaims.linking import proper_names

    text = ("Rescuers reached Lakeford on Thursday. The mayor, Tom Green, thanked the Red Cross.\n"
            "Officials said McAllister would visit in March.")
    # sentence and line openers ("Rescuers", "The", "Officials") and calendar words are not names
    assert proper_names(text) == ["lakeford", "tom", "green", "red", "cross", "mcallister"]


def test_names_tell_apart_events_the_entity_recogniser_left_unresolved():
    """Two fires of one kind on one day with no entity ids: the names in the text keep them apart,
    and a report naming the same people and places joins."""
    fire_a = ("Fire destroys warehouse in Portmere",
              "A fire destroyed a furniture warehouse in Portmere overnight, fire chief Nadia Kowal said. "
              "Crews from Portmere and Ellisford fought the blaze for six hours.")
    fire_a2 = ("Portmere warehouse fire was accidental, chief says",
               "The blaze that destroyed a furniture warehouse in Portmere was accidental, fire chief Nadia "
               "Kowal said, thanking crews from Ellisford.")
    fire_b = ("Blaze guts Dunholt furniture store",
              "Firefighters from Dunholt and Carrow spent six hours fighting a blaze that gutted a furniture "
              "warehouse overnight, chief Brian Oduya said.")
    for order in ([fire_a, fire_b, fire_a2], [fire_a, fire_a2, fire_b]):
        new = [art(aid, item) for aid, item in zip(("a_a", "a_b", "a_c"), order)]
        out = assign_stories(new, background())
        story_of = {item[0]: out[aid][0] for aid, item in zip(("a_a", "a_b", "a_c"), order)}
        assert story_of[fire_a2[0]] == story_of[fire_a[0]] == "s_a" != story_of[fire_b[0]]
    # the names view is what lowers the other fire and raises the same one: against the weights with
    # its share spread over the other views
    p = StoryParams()
    scale = 1 / (1 - p.names_weight)
    no_names = replace(p, names_weight=0.0, **{f: getattr(p, f) * scale for f in (
        "body_weight", "lead_weight", "title_weight", "entity_weight", "people_weight", "places_weight",
        "specifics_weight")})

    def score(params, item):
        joined = assign_stories([art("a_a", fire_a), art("a_x", item)], background(), params=replace(params, threshold=0))
        return joined["a_x"][1]

    assert score(p, fire_b) < score(no_names, fire_b) and score(p, fire_a2) > score(no_names, fire_a2)


def test_max_linkage_follows_a_story_as_it_develops():
    """With ``linkage="max"`` a follow-up that resembles the latest report of a story (not its first)
    joins it: the story is compared by its closest member. (The default centroid linkage asks the
    follow-up to resemble the story as a whole and starts a new one here.)"""
    linkage = "max"
    first = ("Ferry runs aground off Kellan Island",
             "The ferry Northern Star ran aground off Kellan Island on Monday with 240 passengers aboard. "
             "Coastguard boats stood by while the tide rose.")
    second = ("Passengers taken off stranded Northern Star",
              "All 240 passengers of the Northern Star, aground off Kellan Island, were taken off by "
              "coastguard boats. Salvage teams from Brennport began pumping water out of the hull.")
    third = ("Salvage teams refloat Northern Star",
             "Salvage teams from Brennport refloated the Northern Star after pumping water out of the hull "
             "and towed the ferry to the Brennport dry dock.")
    params = StoryParams(linkage=linkage)
    new = [art("a_1", first), art("a_2", second, day=1), art("a_3", third, day=3)]
    out = assign_stories(new, background(), params=params)
    assert out["a_2"][0] == out["a_3"][0] == "s_1"
    # the third report alone resembles the first too little: only the chain makes it one story
    alone = assign_stories([art("a_1", first), art("a_3", third, day=3)], background(), params=params)
    assert alone["a_3"] == ("s_3", None)
    centroid = assign_stories([art("a_1", first), art("a_2", second, day=1), art("a_3", third, day=3)],
                              background())
    assert centroid["a_2"][0] == "s_1" and centroid["a_3"] == ("s_3", None)


def test_fit_weights_on_composed_articles():
    """The logistic fit behind StoryParams: weights sum to one, and same-event pairs score above the
    fitted threshold while other pairs score below it."""
    from newsclaims.evaluation.stories_eval import Features, LabelledDoc, fit_weights, pair_cosines
    from newsclaims.linking import VIEWS

    items = [("f", x) for x in FLOOD] + [("e", x) for x in ELECTION] + [("l", OTHER_FLOOD)]
    items += [(f"bg{i}", x) for i, x in enumerate(BACKGROUND)]
    articles = {f"a_{i}": art(f"a_{i}", x) for i, (_, x) in enumerate(items)}
    feats = Features(articles, {f"d{i}": f"a_{i}" for i in range(len(items))}, {})
    docs = [LabelledDoc(f"d{i}", "", gold) for i, (gold, _) in enumerate(items)]
    fitted = fit_weights(docs, feats)
    weights = fitted["weights"]
    assert set(weights) == set(VIEWS) and abs(sum(weights.values()) - 1) < 0.01
    assert fitted["n_articles"] == len(items) and fitted["n_same"] == 3 + 1  # 3 flood pairs, 1 election pair
    aids = sorted(articles)
    cos = pair_cosines([articles[a] for a in aids])
    score = {(i, j): sum(weights[v] * cos[v][i, j] for v in VIEWS) for i in range(len(aids)) for j in range(i)}
    gold = {a: items[int(a[2:])][0] for a in aids}
    same = [s for (i, j), s in score.items() if gold[aids[i]] == gold[aids[j]]]
    other = [s for (i, j), s in score.items() if gold[aids[i]] != gold[aids[j]]]
    assert min(same) > fitted["threshold"] > max(other)


def test_a_report_found_only_through_a_rare_entity_joins_its_story_despite_common_ones():
    """Candidates come from an article's top words and its rarest entities: a country named in
    every article does not make every story a candidate, a shared rare name still does."""
    common = "gpe:united-kingdom"
    filler = [art(f"a_c{i}", (f"Local news {i}", f"Item {i} about the {w} in the town centre.", {common}))
              for i, w in enumerate(["market", "library", "bridge", "museum", "park", "station", "harbour"])]
    for i, a in enumerate(filler):
        a.story_id = f"s_c{i}"
    first = art("a_1", ("Minister resigns", "Jane Okafor resigned as minister after the inquiry.",
                        {"person:jane-okafor", "org:inquiry-board"}))
    second = art("a_2", ("Okafor quits", "Okafor stepped down after the inquiry.",
                         {common, "person:jane-okafor", "org:inquiry-board"}), day=1)
    params = StoryParams(candidate_terms=0, candidate_entities=2)  # entities alone find candidates
    out = assign_stories([first, second], background() + filler, params=params)
    assert out["a_2"][0] == "s_1"
    rare_only = StoryParams(candidate_terms=0, candidate_entities=1)
    keys_seen = assign_stories([first, second], background() + filler, params=rare_only)
    assert keys_seen["a_2"][0] == "s_1"  # through its rarest entity; the country alone would miss it
