"""Story clustering (the link stage's ``linking.assign_stories``) and ``newsclaims eval stories``.

All articles are composed for these tests."""

from __future__ import annotations

import datetime as dt
import json
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
