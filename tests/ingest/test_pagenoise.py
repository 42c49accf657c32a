"""Page noise learned per feed, applied in ingest: a site's template (menu, rotating "most read"
box, footer with a changing timestamp) is removed from every article of that feed before near-dup
comparison and extraction, with offsets into the raw file kept; two different articles of one
template are not near-duplicates, and a copy wrapped in another site's template still matches."""

from __future__ import annotations

import json

import pytest

from newsclaims.ingest import pagenoise as feednoise
from newsclaims.ingest.normalize import body_to_raw
from newsclaims.load import database
from newsclaims.pipeline import run_local
from newsclaims.settings import Warehouse

# Ten short articles of our own, on unrelated events.
ARTICLES = [
    (
        "Harbour bridge reopens after repairs",
        "The harbour bridge reopened to traffic on Tuesday after eleven weeks of repairs to its steel "
        "cables. Engineers replaced forty corroded anchor bolts and resurfaced the northern ramp. The "
        "city transport office said buses would return to their usual routes by the weekend, while "
        "cyclists were asked to use the new protected lane on the eastern side.",
    ),
    (
        "Library extends opening hours for exam season",
        "The central library will stay open until midnight during the exam season, its director "
        "announced. Students had collected more than two thousand signatures asking for quiet rooms in "
        "the evening. Extra staff are being hired on short contracts, and the reading room on the third "
        "floor will be reserved for people revising for university entrance tests.",
    ),
    (
        "Farmers report early strawberry harvest",
        "Growers in the valley began picking strawberries three weeks earlier than usual after an "
        "unusually warm spring. Prices at the wholesale market fell by a fifth as crates arrived in "
        "large numbers. Several farms are looking for seasonal pickers and offer accommodation in "
        "converted barns, according to the regional agricultural chamber.",
    ),
    (
        "Museum returns carved panels to temple",
        "A national museum handed back six carved wooden panels to the temple they were taken from a "
        "century ago. The panels, decorated with river spirits and hunting scenes, were packed in "
        "climate-controlled cases for the journey. Elders of the village held a ceremony to welcome "
        "them, and a restorer will inspect the pigments next month.",
    ),
    (
        "Water company fined over sewage spills",
        "The regulator fined the regional water company for releasing untreated sewage into two rivers "
        "on more than ninety days last year. Monitoring data showed that storm overflows had been "
        "opened in dry weather. The company said it would spend the money on new storage tanks and "
        "publish live discharge maps for swimmers and anglers.",
    ),
    (
        "Chess prodigy wins national title at twelve",
        "A twelve-year-old from a small mining town won the national chess championship after a tense "
        "final round that lasted almost six hours. She sacrificed a rook early and converted the "
        "endgame with two connected pawns. Her coach, a retired schoolteacher, said she practises "
        "tactics every morning before school and studies old tournament books.",
    ),
    (
        "Airport trials robots that sort luggage",
        "The airport has started testing robots that move suitcases from check-in desks to the "
        "aircraft holds. The machines read baggage tags with cameras and follow magnetic strips laid "
        "under the floor. Handlers' unions asked for guarantees that no jobs would be cut, and the "
        "trial will run on the domestic terminal until the end of autumn.",
    ),
    (
        "Storm brings down power lines in the hills",
        "High winds brought down power lines across the hill villages overnight, leaving about eight "
        "thousand homes without electricity. Repair crews worked through the morning with chainsaws to "
        "clear fallen pines from the roads. Schools in the area closed for the day and the council "
        "opened a community hall where residents could charge their phones.",
    ),
    (
        "Startup raises money for battery recycling",
        "A startup that recovers lithium and cobalt from old phone batteries raised new funding from "
        "three investment firms. Its plant shreds the cells and separates the metals with a water-based "
        "process instead of furnaces. The founders plan a second site near the port and expect to "
        "process ten thousand tonnes of batteries a year by the end of the decade.",
    ),
    (
        "Choir from the islands tours the capital",
        "A choir of fishermen from the northern islands is giving its first concerts in the capital "
        "this week. The singers perform old working songs about nets, weather and long nights at sea. "
        "Tickets for the opening evening sold out within an hour, and the organisers added a free "
        "afternoon performance in the cathedral square for families.",
    ),
]

MENU = [
    "Home",
    "World news",
    "Business and markets",
    "Science and environment",
    "Sport results",
    "Culture and arts",
    "Opinion and analysis",
    "Weather forecast",
    "Subscribe to our newsletter",
    "Sign in to your account",
    "Listen to the daily podcast",
    "Contact the newsroom",
]
FOOTER = [
    "Copyright The Valley Courier, all rights reserved. Reproduction without permission is prohibited.",
    "Our journalism is funded by readers like you. Please consider a subscription to support local news.",
    "Privacy policy | Cookie settings | Terms of use | Advertise with us | Careers at the Courier",
]
HEADLINES = [
    "Council approves new budget",
    "Police appeal for witnesses",
    "Ferry timetable changes",
    "New cafe opens on the square",
    "Marathon route announced",
    "Hospital parking fees cut",
]


def courier_page(i: int, title: str, body: str) -> str:
    """An article in the Valley Courier's template: a long menu, a rotating 'most read' box and a
    footer whose timestamp changes from page to page."""
    box = [HEADLINES[(i + k) % len(HEADLINES)] for k in range(3)]
    return (
        "\n".join(MENU)
        + "\n\n"
        + title
        + "\n\n"
        + body
        + "\n\nMost read\n"
        + "\n".join(box)
        + f"\n\nPage updated {i + 1:02d}:{(i * 7) % 60:02d} GMT, {10 + i} May\n\n"
        + "\n\n".join(FOOTER)
        + "\n"
    )


def gazette_page(i: int, title: str, body: str) -> str:
    """Another site's template, for syndicated copies."""
    return (
        "Skip to content\nThe Morning Gazette\nNews | Local | National | Video | Puzzles\n\n"
        + title
        + "\n\n"
        + body
        + "\n\nShare on social media\nRead more from the Morning Gazette\n"
        + f"Story {1000 + i} of our archive. Follow us for updates.\n"
    )


def _write(root, name, pages):
    folder = root / name
    folder.mkdir(parents=True)
    for i, page in enumerate(pages):
        (folder / f"{name}_{i:02d}.txt").write_text(page, encoding="utf-8")


def _sources(root, names):
    text = "".join(f'[[sources]]\nname = "{n}"\nkind = "text_dir"\npath = "{n}"\n\n' for n in names)
    (root / "sources.toml").write_text(text)
    return root / "sources.toml"


@pytest.fixture()
def two_sites(tmp_path):
    _write(tmp_path, "courier", [courier_page(i, t, b) for i, (t, b) in enumerate(ARTICLES)])
    # the Gazette carries three other stories of its own plus a copy of Courier article 4
    own = [
        (
            "Bakery wins regional bread prize",
            "A family bakery on the market street won the regional prize for its rye loaf, baked in a "
            "wood-fired oven that the owners restored themselves. Judges praised the crust and the "
            "slightly sour taste, and queues formed outside the shop before dawn the next day.",
        ),
        (
            "Tram line extension approved",
            "Councillors approved a four-kilometre extension of the tram line to the new hospital. "
            "Construction should start in spring and last two years, with temporary bus services "
            "replacing trams on the busiest section while the tracks are relaid.",
        ),
        (
            "Lighthouse keeper retires after forty years",
            "The last keeper of the cape lighthouse retired after forty years of climbing its "
            "hundred and twelve steps every evening. The light is now automatic, and the keeper's "
            "cottage will become a small museum about shipwrecks along the coast.",
        ),
        (
            "Volunteers clean the river banks",
            "More than two hundred volunteers collected plastic, tyres and a rusty shopping trolley "
            "from the river banks on Saturday. The angling club provided boats and gloves, and the "
            "town hall promised new bins at the footpath entrances.",
        ),
        (
            "Orchestra appoints young conductor",
            "The city orchestra named a thirty-one-year-old conductor as its music director, the "
            "youngest in its history. She studied violin before turning to conducting and plans a "
            "season built around forgotten symphonies by women composers.",
        ),
    ]
    pages = [gazette_page(i, t, b) for i, (t, b) in enumerate(own)]
    title, body = ARTICLES[4]
    pages.append(
        gazette_page(9, title, body.replace("more than ninety", "over ninety"))
    )  # a subeditor's touch
    _write(tmp_path, "gazette", pages)
    return tmp_path


def test_template_is_learned_and_stripped_with_offsets_kept(two_sites):
    wh = Warehouse.resolve(two_sites / "wh")
    summary = run_local(_sources(two_sites, ["courier", "gazette"]), wh)
    # ten different Courier articles stay ten articles although they share a heavy template
    n_courier = database.query(wh, "SELECT count(*) FROM articles WHERE feed = 'courier'")[1][0][0]
    assert n_courier == len(ARTICLES)
    _, rows = database.query(
        wh, "SELECT raw_path, title, body, body_map FROM articles WHERE feed = 'courier'"
    )
    for raw_path, title, body, body_map in rows:
        for noise in MENU + FOOTER + ["Most read", "Page updated"] + HEADLINES:
            assert noise not in body, (noise, raw_path)
        assert title in {t for t, _ in ARTICLES}
        assert body in {b for _, b in ARTICLES}
        raw = (two_sites / raw_path).read_text(encoding="utf-8")
        start = body_to_raw(0, body_map)
        assert raw[start : start + 40] == body[:40]  # offsets into the raw file survive the stripping
    # the Gazette's copy of Courier article 4 is a near-duplicate of it despite other page furniture
    _, dups = database.query(
        wh,
        """SELECT d.raw_path, d.method, a.title FROM duplicates d
                             JOIN articles a ON a.article_id = d.duplicate_of""",
    )
    assert [(m, t) for _, m, t in dups] == [("near", ARTICLES[4][0])]
    assert summary.n_duplicates == 1


def test_state_is_committed_and_rerun_adds_nothing(two_sites):
    sources = _sources(two_sites, ["courier", "gazette"])
    wh = Warehouse.resolve(two_sites / "wh")
    run_local(sources, wh)
    state = sorted(feednoise.state_dir(wh.root).glob("*.json"))
    assert len(state) == 2
    feeds = {json.loads(p.read_text())["feed"] for p in state}
    assert feeds == {"courier", "gazette"}
    before = database.query(wh, "SELECT article_id, body FROM articles ORDER BY article_id")[1]
    again = run_local(sources, wh)
    assert again.n_articles == 0 and again.n_skipped == again.n_documents
    assert database.query(wh, "SELECT article_id, body FROM articles ORDER BY article_id")[1] == before
    assert not (wh.root / "staging").exists() or not any((wh.root / "staging").iterdir())


def test_later_article_of_a_known_feed_is_cleaned_by_the_committed_state(two_sites):
    """One new page in a later run: too few to learn from alone, the committed counts do it."""
    wh = Warehouse.resolve(two_sites / "wh")
    sources = _sources(two_sites, ["courier", "gazette"])
    run_local(sources, wh)
    body = (
        "Organisers of the autumn book fair said more than three hundred publishers had booked "
        "stands, a record for the event, which moves this year to the renovated exhibition halls."
    )
    (two_sites / "courier" / "courier_99.txt").write_text(courier_page(42, "Book fair breaks record", body))
    summary = run_local(sources, wh)
    assert summary.n_articles == 1
    new_body = database.query(wh, "SELECT body FROM articles WHERE title = 'Book fair breaks record'")[1][0][
        0
    ]
    assert new_body == body


def test_small_feed_learns_nothing():
    noise = feednoise.FeedNoise("tiny")
    for i in range(feednoise.MIN_DOCS - 1):
        noise.observe(f"Same menu line here\n\nArticle number {i} text about something else entirely {i}.")
    assert noise.learned() == frozenset()
    noise.observe("Same menu line here\n\nOne more article.")
    learned = noise.learned()
    assert feednoise.is_noise("Same menu line here", learned)
    assert not feednoise.is_noise("One more article.", learned)


def test_fraction_guard_and_decay():
    noise = feednoise.FeedNoise("big")
    for i in range(100):  # a line in 10 % of documents is not template
        noise.observe(
            ("Breaking news banner\n" if i % 10 == 0 else "") + f"Distinct story {i} words {i * 3}."
        )
    assert not feednoise.is_noise("Breaking news banner", noise.learned())
    for i in range(2 * feednoise.WINDOW_DOCS):  # a redesign: the new footer is learned, memory stays bounded
        noise.observe(f"New footer line for all pages\nstory {i}")
    assert feednoise.is_noise("New footer line for all pages", noise.learned())
    assert noise.n_docs <= 2 * feednoise.WINDOW_DOCS
    assert len(noise.counts) < 10  # lines seen once were forgotten at the decay
    roundtrip = feednoise.FeedNoise.from_json(noise.to_json())
    assert roundtrip.learned() == noise.learned()
