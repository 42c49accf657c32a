"""Story clustering (the link stage's ``linking.assign_stories``) and ``newsclaims eval stories``.

All articles are composed for these tests."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsclaims.evaluation.labelled_docs import detokenize
from newsclaims.evaluation.stories_eval import adjusted_rand_index, bcubed
from newsclaims.link.stories import StoryArticle, StoryParams, assign_stories

ECB = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "eval"
    / "ecbplus_event_clusters"
    / "ecbplus_docs.jsonl"
)
D0 = dt.date(2024, 3, 4)

FLOOD = [
    (
        "Floods force thousands from homes in Riverton",
        "Heavy rain overnight sent the Riverton river over its banks on Monday, forcing 3,000 people "
        "from their homes. Emergency crews used boats to reach families trapped in the eastern "
        "districts, and the mayor, Ana Ortiz, declared a state of emergency.",
        {"gpe:riverton", "person:ana-ortiz"},
    ),
    (
        "Riverton mayor declares emergency as river bursts its banks",
        "The mayor of Riverton, Ana Ortiz, declared a state of emergency after the river burst its "
        "banks on Monday. About 3,000 residents were evacuated and rescuers in boats reached families "
        "stranded in the eastern districts.",
        {"gpe:riverton", "person:ana-ortiz"},
    ),
    (
        "Riverton counts the cost as flood waters recede",
        "As the water receded in Riverton on Wednesday, residents returned to homes damaged by "
        "Monday's flood. Mayor Ana Ortiz said 3,000 people had been evacuated from the eastern "
        "districts and promised emergency grants to families.",
        {"gpe:riverton", "person:ana-ortiz"},
    ),
]
ELECTION = [
    (
        "Ruling party wins Northland election",
        "The ruling Unity Party won Sunday's parliamentary election in Northland with 48% of the vote, "
        "according to official results. Prime Minister Karl Berg claimed victory in the capital and "
        "promised lower energy prices.",
        {"gpe:northland", "org:unity-party", "person:karl-berg"},
    ),
    (
        "Berg claims victory as Unity Party takes Northland vote",
        "Karl Berg's Unity Party took 48% in Northland's parliamentary election on Sunday. The prime "
        "minister told supporters in the capital that energy prices would come down.",
        {"gpe:northland", "org:unity-party", "person:karl-berg"},
    ),
]
#: the same kind of event as FLOOD, in another town, with other numbers and other people
OTHER_FLOOD = (
    "Floods force hundreds from homes in Lakeford",
    "Heavy rain sent the Lakeford river over its banks on Thursday, forcing 450 people from their "
    "homes. Rescuers used boats to reach families in the old town, and the mayor, Tom Green, "
    "declared a state of emergency.",
    {"gpe:lakeford", "person:tom-green"},
)
BACKGROUND = [
    (
        "Central bank raises rates",
        "The central bank raised interest rates by a quarter point on Thursday, "
        "citing stubborn inflation in services.",
    ),
    ("Home team wins the cup", "The home team won the cup final after extra time in front of 60,000 fans."),
    ("New phone launched", "The company launched a new phone with a larger screen and a better camera."),
    ("Museum reopens", "The city museum reopened after a two-year renovation of its main hall."),
    ("Strike at the airport", "Baggage handlers at the airport went on strike over pay and conditions."),
    ("School meals plan", "The council approved a plan to offer free school meals to every pupil."),
]


def art(aid: str, item, day: int = 0, outlet: str | None = None) -> StoryArticle:
    title, body, *ents = item
    return StoryArticle(
        aid, D0 + dt.timedelta(days=day), title, body, set(ents[0]) if ents else set(), outlet
    )


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
    together = assign_stories(
        [
            art("a_f0", FLOOD[0]),
            art("a_e0", ELECTION[0]),
            art("a_f1", FLOOD[1], day=1),
            art("a_e1", ELECTION[1], day=1),
        ],
        background(),
    )
    assert {k: v[0] for k, v in together.items()} == {
        "a_f0": "s_f0",
        "a_e0": "s_e0",
        "a_f1": "s_f0",
        "a_e1": "s_e0",
    }


def test_assignment_is_deterministic_whatever_the_input_order():
    items = [art(f"a_f{i}", a) for i, a in enumerate(FLOOD)] + [
        art(f"a_e{i}", a) for i, a in enumerate(ELECTION)
    ]
    one = assign_stories(items, background())
    two = assign_stories(
        [art(a.article_id, (a.title, a.body, a.entities)) for a in reversed(items)], background()
    )
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

    from newsclaims.cli.main import app

    rows = [
        {
            "doc_id": f"f{i}",
            "title": t,
            "text": b,
            "event": "flood",
            "split": "dev",
            "published_date": f"2024-03-0{4 + i}",
        }
        for i, (t, b, _) in enumerate(FLOOD)
    ]
    rows += [
        {
            "doc_id": f"e{i}",
            "title": t,
            "text": b,
            "event": "vote",
            "split": "dev",
            "published_date": "2024-03-05",
        }
        for i, (t, b, _) in enumerate(ELECTION)
    ]
    rows += [
        {
            "doc_id": "lake",
            "title": OTHER_FLOOD[0],
            "text": OTHER_FLOOD[1],
            "event": "lakeford",
            "split": "dev",
            "published_date": "2024-03-07",
        }
    ]
    rows += [
        {"doc_id": f"bg{i}", "title": t, "text": b, "event": f"bg{i}", "split": "train"}
        for i, (t, b) in enumerate(BACKGROUND)
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "stories",
            str(path),
            "--label",
            "event",
            "--orders",
            "2",
            "--keep",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(out.read_text())
    assert scores["n_docs"] == 6 and scores["n_gold"] == 3 and scores["n_dated"] == 6
    for key in ("one_run", "file_order"):
        assert scores[key]["bcubed_f1"] == 1.0 and scores[key]["ari"] == 1.0, scores[key]
    assert scores["shuffled"]["bcubed_f1"]["min"] == 1.0
    assert "file order" in result.output
    # the kept warehouse can be scored again without the pipeline
    again = CliRunner().invoke(
        app,
        [
            "eval",
            "stories",
            str(path),
            "--label",
            "event",
            "--orders",
            "0",
            "--reuse",
            str(tmp_path / "work"),
        ],
    )
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
    from newsclaims.link.stories import proper_names

    text = (
        "Rescuers reached Lakeford on Thursday. The mayor, Tom Green, thanked the Red Cross.\n"
        "Officials said McAllister would visit in March."
    )
    # sentence and line openers ("Rescuers", "The", "Officials") and calendar words are not names
    assert proper_names(text) == ["lakeford", "tom", "green", "red", "cross", "mcallister"]


def test_names_tell_apart_events_the_entity_recogniser_left_unresolved():
    """Two fires of one kind on one day with no entity ids: the names in the text keep them apart,
    and a report naming the same people and places joins."""
    fire_a = (
        "Fire destroys warehouse in Portmere",
        "A fire destroyed a furniture warehouse in Portmere overnight, fire chief Nadia Kowal said. "
        "Crews from Portmere and Ellisford fought the blaze for six hours.",
    )
    fire_a2 = (
        "Portmere warehouse fire was accidental, chief says",
        "The blaze that destroyed a furniture warehouse in Portmere was accidental, fire chief Nadia "
        "Kowal said, thanking crews from Ellisford.",
    )
    fire_b = (
        "Blaze guts Dunholt furniture store",
        "Firefighters from Dunholt and Carrow spent six hours fighting a blaze that gutted a furniture "
        "warehouse overnight, chief Brian Oduya said.",
    )
    for order in ([fire_a, fire_b, fire_a2], [fire_a, fire_a2, fire_b]):
        new = [art(aid, item) for aid, item in zip(("a_a", "a_b", "a_c"), order)]
        out = assign_stories(new, background())
        story_of = {item[0]: out[aid][0] for aid, item in zip(("a_a", "a_b", "a_c"), order)}
        assert story_of[fire_a2[0]] == story_of[fire_a[0]] == "s_a" != story_of[fire_b[0]]
    # the names view is what lowers the other fire and raises the same one: against the weights with
    # its share spread over the other views
    p = StoryParams()
    scale = 1 / (1 - p.names_weight)
    no_names = replace(
        p,
        names_weight=0.0,
        **{
            f: getattr(p, f) * scale
            for f in (
                "body_weight",
                "lead_weight",
                "title_weight",
                "entity_weight",
                "people_weight",
                "places_weight",
                "specifics_weight",
            )
        },
    )

    def score(params, item):
        joined = assign_stories(
            [art("a_a", fire_a), art("a_x", item)], background(), params=replace(params, threshold=0)
        )
        return joined["a_x"][1]

    assert score(p, fire_b) < score(no_names, fire_b) and score(p, fire_a2) > score(no_names, fire_a2)


def test_max_linkage_follows_a_story_as_it_develops():
    """With ``linkage="max"`` a follow-up that resembles the latest report of a story (not its first)
    joins it: the story is compared by its closest member. (The default centroid linkage asks the
    follow-up to resemble the story as a whole and starts a new one here.)"""
    linkage = "max"
    first = (
        "Ferry runs aground off Kellan Island",
        "The ferry Northern Star ran aground off Kellan Island on Monday with 240 passengers aboard. "
        "Coastguard boats stood by while the tide rose.",
    )
    second = (
        "Passengers taken off stranded Northern Star",
        "All 240 passengers of the Northern Star, aground off Kellan Island, were taken off by "
        "coastguard boats. Salvage teams from Brennport began pumping water out of the hull.",
    )
    third = (
        "Salvage teams refloat Northern Star",
        "Salvage teams from Brennport refloated the Northern Star after pumping water out of the hull "
        "and towed the ferry to the Brennport dry dock.",
    )
    params = StoryParams(linkage=linkage)
    new = [art("a_1", first), art("a_2", second, day=1), art("a_3", third, day=3)]
    out = assign_stories(new, background(), params=params)
    assert out["a_2"][0] == out["a_3"][0] == "s_1"
    # the third report alone resembles the first too little: only the chain makes it one story
    alone = assign_stories([art("a_1", first), art("a_3", third, day=3)], background(), params=params)
    assert alone["a_3"] == ("s_3", None)
    centroid = assign_stories(
        [art("a_1", first), art("a_2", second, day=1), art("a_3", third, day=3)], background()
    )
    assert centroid["a_2"][0] == "s_1" and centroid["a_3"] == ("s_3", None)


def test_fit_weights_on_composed_articles():
    """The logistic fit behind StoryParams: weights sum to one, and same-event pairs score above the
    fitted threshold while other pairs score below it."""
    from newsclaims.evaluation.labelled_docs import LabelledDoc
    from newsclaims.evaluation.stories_eval import Features
    from newsclaims.evaluation.stories_fit import fit_weights, pair_cosines
    from newsclaims.link.stories import VIEWS

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
    score = {
        (i, j): sum(weights[v] * cos[v][i, j] for v in VIEWS) for i in range(len(aids)) for j in range(i)
    }
    gold = {a: items[int(a[2:])][0] for a in aids}
    same = [s for (i, j), s in score.items() if gold[aids[i]] == gold[aids[j]]]
    other = [s for (i, j), s in score.items() if gold[aids[i]] != gold[aids[j]]]
    assert min(same) > fitted["threshold"] > max(other)


def test_a_report_found_only_through_a_rare_entity_joins_its_story_despite_common_ones():
    """Candidates come from an article's top words and its rarest entities: a country named in
    every article does not make every story a candidate, a shared rare name still does."""
    common = "gpe:united-kingdom"
    filler = [
        art(f"a_c{i}", (f"Local news {i}", f"Item {i} about the {w} in the town centre.", {common}))
        for i, w in enumerate(["market", "library", "bridge", "museum", "park", "station", "harbour"])
    ]
    for i, a in enumerate(filler):
        a.story_id = f"s_c{i}"
    first = art(
        "a_1",
        (
            "Minister resigns",
            "Jane Okafor resigned as minister after the inquiry.",
            {"person:jane-okafor", "org:inquiry-board"},
        ),
    )
    second = art(
        "a_2",
        (
            "Okafor quits",
            "Okafor stepped down after the inquiry.",
            {common, "person:jane-okafor", "org:inquiry-board"},
        ),
        day=1,
    )
    params = StoryParams(candidate_terms=0, candidate_entities=2)  # entities alone find candidates
    out = assign_stories([first, second], background() + filler, params=params)
    assert out["a_2"][0] == "s_1"
    rare_only = StoryParams(candidate_terms=0, candidate_entities=1)
    keys_seen = assign_stories([first, second], background() + filler, params=rare_only)
    assert keys_seen["a_2"][0] == "s_1"  # through its rarest entity; the country alone would miss it


# --- revised stories (issue 16): re-clustering a revision window, stable ids, recorded moves --------

#: event A: two Rovers players charged with match-fixing (early March)
FIXING_A = [
    (
        "Two Northfield Rovers players charged with match-fixing",
        "Northfield Rovers midfielders Mark Dalton and Ian Reyes were charged with match-fixing by the "
        "national league on Tuesday over the 3-0 defeat at Eastbury City. Investigators said betting "
        "patterns on the game were suspicious and that both players had contacts with a gambling syndicate. "
        "The club suspended Dalton and Reyes pending a hearing.",
    ),
    (
        "Rovers duo Dalton and Reyes face match-fixing charges",
        "The league has charged Mark Dalton and Ian Reyes of Northfield Rovers with match-fixing after "
        "an inquiry into the club's 3-0 loss at Eastbury City. The two midfielders are accused of "
        "taking money from a gambling syndicate. Rovers said both had been suspended.",
    ),
    (
        "Northfield Rovers suspend Dalton and Reyes after match-fixing charge",
        "Northfield Rovers suspended midfielders Ian Reyes and Mark Dalton on Tuesday after the league "
        "charged them with match-fixing. The charge relates to the 3-0 defeat away at Eastbury City, "
        "where unusual bets were placed with a gambling syndicate, according to the league's inquiry.",
    ),
]
#: event B: three weeks later, the same team, the same charge, other people and another match
FIXING_B = [
    (
        "Northfield Rovers player charged with match-fixing",
        "A Northfield Rovers player was charged with match-fixing by the national league on Friday, the "
        "club said. The league's inquiry concerns bets placed with a gambling syndicate. Rovers suspended "
        "the player pending a hearing and did not name him.",
    ),
    (
        "Rovers goalkeeper Ferro charged with match-fixing over Westmoor cup tie",
        "Luis Ferro, the Northfield Rovers goalkeeper, was charged with match-fixing by the national league "
        "on Friday over the 4-1 cup loss to Westmoor United. Investigators found that Ferro's brother placed "
        "large bets on Westmoor scoring four goals. Rovers suspended Ferro pending a hearing.",
    ),
    (
        "Rovers keeper Ferro denies fixing Westmoor cup defeat",
        "Goalkeeper Luis Ferro denied fixing Northfield Rovers' 4-1 cup defeat to Westmoor United after "
        "the national league charged him with match-fixing on Friday. Bets placed by his brother on Westmoor "
        "scoring four times triggered the inquiry. Rovers have suspended Ferro pending a hearing.",
    ),
]


def _feed_run(root: Path, items: list[tuple[str, tuple[str, str]]]):
    """Append undated reports to a JSONL feed and run the real pipeline over it (one run)."""
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    feed = root / "feed.jsonl"
    with open(feed, "a", encoding="utf-8") as out:
        for doc_id, (title, body) in items:
            out.write(json.dumps({"doc_id": doc_id, "title": title, "text": body}) + "\n")
    sources = root / "sources.toml"
    sources.write_text(
        '[[sources]]\nname = "wire"\nkind = "jsonl"\npath = "feed.jsonl"\noutlet = "Wire"\n'
        'fields = { text = "text", title = "title", id = "doc_id" }\n',
        encoding="utf-8",
    )
    return run_local(sources, Warehouse.resolve(root / "wh")).run_id


def _stories(root: Path) -> dict[str, str]:
    from newsclaims.load import database
    from newsclaims.settings import Warehouse

    _, rows = database.query(
        Warehouse.resolve(root / "wh"),
        """
        SELECT a.raw_path, s.story_id FROM articles a JOIN article_stories s USING (article_id)""",
    )
    return {raw.rsplit("#", 1)[-1]: sid for raw, sid in rows}


def _changes(root: Path) -> list[tuple]:
    from newsclaims.load import database
    from newsclaims.settings import Warehouse

    _, rows = database.query(
        Warehouse.resolve(root / "wh"),
        """
        SELECT c.run_id, a.raw_path, c.old_story_id, c.new_story_id
        FROM story_changes c JOIN articles a USING (article_id) ORDER BY a.raw_path""",
    )
    return [(run, raw.rsplit("#", 1)[-1], old, new) for run, raw, old, new in rows]


def test_sibling_events_split_once_the_second_events_reports_arrive(tmp_path):
    """Two events of one kind -- one team, one charge, three weeks apart -- reported without dates
    (so no date keeps them apart) and all ingested within the revision window. The thin first
    report of the second event joins the first event's story; once the second event's detailed
    reports arrive, the run re-clusters the window, the first report moves to the new story, the
    move is recorded, the first story keeps its id, and a later run that changes no membership
    changes no id."""
    background = [(f"bg{i}", item) for i, item in enumerate(BACKGROUND)]
    run1 = _feed_run(tmp_path, background + [(f"a{i}", item) for i, item in enumerate(FIXING_A)])
    first = _stories(tmp_path)
    story_a = first["a0"]
    assert first["a1"] == first["a2"] == story_a
    assert len({first[f"bg{i}"] for i in range(len(BACKGROUND))} | {story_a}) == len(BACKGROUND) + 1

    _feed_run(tmp_path, [("b0", FIXING_B[0])])
    assert _stories(tmp_path)["b0"] == story_a  # on its own, the thin report reads as the first event
    assert _changes(tmp_path) == []

    run3 = _feed_run(tmp_path, [("b1", FIXING_B[1]), ("b2", FIXING_B[2])])
    third = _stories(tmp_path)
    story_b = third["b1"]
    assert story_b != story_a and third["b0"] == third["b2"] == story_b
    assert third["a0"] == third["a1"] == third["a2"] == story_a  # the first story keeps its id
    assert _changes(tmp_path) == [(run3, "b0", story_a, story_b)]  # the one move, recorded
    assert run3 != run1

    # what a single pass (each article joins a story once, never revisited) makes of the same runs
    from newsclaims.evaluation.stories_eval import pipeline_features
    from newsclaims.settings import Warehouse

    feats = pipeline_features(Warehouse.resolve(tmp_path / "wh"))
    arts = {doc: replace(feats.articles[aid], story_id=None) for doc, aid in feats.article_of.items()}
    done: list[StoryArticle] = []
    for run in ([f"bg{i}" for i in range(len(BACKGROUND))] + ["a0", "a1", "a2"], ["b0"], ["b1", "b2"]):
        assign_stories([arts[d] for d in run], done)
        done += [arts[d] for d in run]
    assert arts["b0"].story_id == arts["a0"].story_id  # the single pass keeps the merge

    # a run whose articles change no membership changes no id and records nothing
    _feed_run(
        tmp_path,
        [
            (
                "later",
                (
                    "Library extends opening hours",
                    "The public library will open until nine in the evening from next month.",
                ),
            )
        ],
    )
    fourth = _stories(tmp_path)
    assert {d: s for d, s in fourth.items() if d != "later"} == third
    assert fourth["later"] not in set(third.values())
    assert len(_changes(tmp_path)) == 1


def _window(assignments: dict[str, str], items: dict[str, tuple], days: dict[str, int]) -> list[StoryArticle]:
    out = []
    for aid, sid in assignments.items():
        a = art(aid, items[aid], day=days.get(aid, 0))
        a.story_id = sid
        out.append(a)
    return out


STORY_ITEMS = {"a_f0": FLOOD[0], "a_f1": FLOOD[1], "a_f2": FLOOD[2], "a_e0": ELECTION[0], "a_e1": ELECTION[1]}


def test_a_split_keeps_the_id_for_the_majority_and_names_the_new_part():
    from newsclaims.link.stories import StoryChange, revise_stories

    merged = {"a_f0": "s_m", "a_f1": "s_m", "a_f2": "s_m", "a_e0": "s_m", "a_e1": "s_m"}
    window = background() + _window(merged, STORY_ITEMS, {"a_f1": 1, "a_f2": 2})
    out, changes = revise_stories(window, [])
    assert changes == [StoryChange("a_e0", "s_m", "s_e0"), StoryChange("a_e1", "s_m", "s_e0")]
    assert set(out) == {"a_e0", "a_e1"}  # only the moved articles are written again
    assert {a.article_id: a.story_id for a in window if a.article_id.startswith("a_f")} == dict.fromkeys(
        ["a_f0", "a_f1", "a_f2"], "s_m"
    )


def test_a_merge_keeps_the_older_id_and_an_unchanged_story_keeps_its_own():
    from newsclaims.link.stories import revise_stories

    split = {"a_f0": "s_old", "a_f1": "s_new", "a_f2": "s_new", "a_e0": "s_vote", "a_e1": "s_vote"}
    window = background() + _window(split, STORY_ITEMS, {"a_f1": 1, "a_f2": 2})
    _, changes = revise_stories(window, [])
    assert [(c.article_id, c.old_story_id, c.new_story_id) for c in changes] == [
        ("a_f1", "s_new", "s_old"),
        ("a_f2", "s_new", "s_old"),
    ]
    # the same window again: nothing moves, no id changes
    again = background() + _window(
        {a.article_id: a.story_id for a in window if a.article_id in STORY_ITEMS},
        STORY_ITEMS,
        {"a_f1": 1, "a_f2": 2},
    )
    assert revise_stories(again, []) == ({}, [])


def test_revision_does_not_depend_on_the_order_articles_come_in():
    from newsclaims.link.stories import revise_stories

    items = [art(aid, STORY_ITEMS[aid], day=i) for i, aid in enumerate(STORY_ITEMS)]
    one, _ = revise_stories(background(), items)
    two, _ = revise_stories(
        list(reversed(background())),
        [art(a.article_id, STORY_ITEMS[a.article_id], day=i) for i, a in reversed(list(enumerate(items)))],
    )
    assert one == two
    assert len({sid for sid, _ in one.values()}) == 2


def test_the_revision_window_takes_whole_recent_stories():
    from newsclaims.link.stories import revision_window

    old = art("a_old", FLOOD[0], day=-30)
    old.story_id, old.ingested = "s_x", D0 - dt.timedelta(days=30)
    recent = art("a_recent", FLOOD[1], day=-30)  # published long ago, ingested yesterday: in
    recent.story_id, recent.ingested = "s_x", D0 - dt.timedelta(days=1)
    gone = art("a_gone", ELECTION[0], day=-20)
    gone.story_id, gone.ingested = "s_y", D0 - dt.timedelta(days=20)
    undated = StoryArticle(
        "a_u",
        None,
        "Museum reopens",
        "The museum reopened.",
        story_id="s_u",
        ingested=D0 - dt.timedelta(days=3),
    )
    new = [art("a_n", FLOOD[2], day=0)]
    window = revision_window([old, recent, gone, undated], new, D0, days=7)
    assert {a.article_id for a in window} == {"a_old", "a_recent", "a_u"}
    # a new article published three weeks ago brings the stories of its days back into the window
    back = revision_window([old, recent, gone, undated], [art("a_n", ELECTION[1], day=-19)], D0, days=7)
    assert "a_gone" in {a.article_id for a in back}
    # capped: whole stories, the most recently ingested first
    capped = revision_window([old, recent, gone, undated], new, D0, days=7, max_articles=2)
    assert sorted(a.article_id for a in capped) == ["a_old", "a_recent"]
