"""Near-duplicate detection: shingling, the index, page-noise learning, persistence, benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclaims.ingest.neardup import NearDupConfig, NearDupIndex, canonical_tokens, shingle_hashes
from newsclaims.ingest.pagenoise import learn_noise, noise_key, strip_noise

EVAL_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval"
BBC_DIR = EVAL_DIR / "bbc_news"

HARBOUR = """Harbour workers vote to strike over pay

Dock workers at the port of Eastwick have voted to walk out next month after talks over a new pay deal collapsed on Tuesday evening.

The union said 84% of members who took part in the ballot backed industrial action, on a turnout of 71%. It is the first strike at the port since 1998.

Managers had offered a rise of 3% this year and 2.5% next year, which the union called "an insult to people who kept the country supplied through two hard winters".

A spokeswoman for the port operator said the company remained "open to constructive talks" and warned that a stoppage would put contracts with two shipping lines at risk.

Local businesses fear the walkout could delay deliveries of fuel and building materials to the region during the busiest month of the year."""

ORCHARD = """Frost ruins apple harvest in valley orchards

Growers in the northern valley say a late frost in April destroyed more than half of this year's apple blossom, leaving many orchards with almost no fruit to pick.

The regional growers' association estimates losses at around 40 million, and several family farms have asked the agriculture ministry for emergency support.

"We have never seen damage like this in thirty years," said one farmer, who lost nearly all of his early varieties. Cider makers expect prices to rise sharply in the autumn.

Scientists at the university's crop research centre said warm weather in March had brought the trees into flower weeks early, which left them exposed when temperatures fell below zero."""

LIBRARY = """City library to close three branches

The city council has confirmed that three neighbourhood libraries will close at the end of the year as part of a plan to save money on buildings and staff.

Campaigners delivered a petition with more than 12,000 signatures to the town hall on Monday, arguing that the branches are used by pensioners, students and families who cannot travel to the central library.

The council leader said the decision was painful but unavoidable after cuts to the city's budget, and promised that a mobile library service would visit each area twice a week."""

ARTICLES = [HARBOUR, ORCHARD, LIBRARY]
WORDS = sorted({w.strip('.,"%').lower() for w in " ".join(ARTICLES).split() if w.isalpha() and len(w) > 4})


def _site_page(body: str, menu: list[str], footer_items: list[str]) -> str:
    return (
        "\n".join(menu)
        + "\n\n"
        + body
        + "\n\nMost read\n"
        + "\n".join(footer_items)
        + "\n\nAbout us | Contact | Terms | Privacy\n\n© 2024 The Example Post. All rights reserved."
    )


MENU = [
    "Home",
    "News",
    "World",
    "Business",
    "Politics",
    "Sport",
    "Culture",
    "Weather",
    "Travel",
    "Opinion",
    "Video",
    "Podcasts",
    "Newsletters",
    "Sign in",
    "Subscribe",
] + [f"Section {name}" for name in "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()]


# --- shingling -------------------------------------------------------------------------------------


def test_canonical_tokens_ignore_typography_and_encoding():
    plain = 'The minister said "we won\'t" pay £5 - cafe'
    fancy = "The\u00a0minister said \u201cwe won\u2019t\u201d pay £5 \u2014 café"
    mojibake = fancy.encode("utf-8").decode("cp1252", errors="replace")
    assert canonical_tokens(plain) == canonical_tokens(fancy) == canonical_tokens(mojibake)
    assert canonical_tokens("Tom &amp; Jerry") == ["tom", "jerry"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.sampled_from("alpha beta gamma delta epsilon zeta eta theta".split()), min_size=1, max_size=40
    ),
    st.sampled_from([" ", "  ", "\n", "\u00a0", " \n\n "]),
)
def test_shingles_do_not_depend_on_whitespace(words, sep):
    assert shingle_hashes(" ".join(words)).tolist() == shingle_hashes(sep.join(words)).tolist()


def test_short_and_empty_texts():
    assert shingle_hashes("").size == 0
    assert shingle_hashes("two words").size == 1


# --- the index -------------------------------------------------------------------------------------


def _index(*texts: str, config: NearDupConfig = NearDupConfig()) -> NearDupIndex:
    index = NearDupIndex(config)
    for i, text in enumerate(texts):
        index.add(f"doc{i}", text)
    return index


def test_exact_copy_matches():
    index = _index(*ARTICLES)
    assert index.query(ORCHARD) == ("doc1", 1.0)


def test_distinct_articles_do_not_match():
    index = _index(HARBOUR, ORCHARD)
    assert index.query(LIBRARY) is None
    assert index.similarity(HARBOUR, ORCHARD)[1] < 0.1


def test_truncated_excerpt_matches_by_containment():
    excerpt = "\n\n".join(HARBOUR.split("\n\n")[:3]) + " ..."
    index = _index(*ARTICLES)
    hit = index.query(excerpt)
    assert hit is not None and hit[0] == "doc0" and hit[1] > 0.9
    jaccard, containment = index.similarity(excerpt, HARBOUR)
    assert jaccard < 0.7 < containment  # Jaccard alone would miss it
    # without containment the excerpt is not found
    assert _index(*ARTICLES, config=NearDupConfig(containment=False)).query(excerpt) is None


def test_full_article_matches_an_earlier_excerpt():
    excerpt = "\n\n".join(HARBOUR.split("\n\n")[:4])
    index = _index(excerpt, ORCHARD)
    assert index.query(HARBOUR)[0] == "doc0"


def test_edited_reordered_and_retyped_copy_matches():
    paragraphs = HARBOUR.split("\n\n")
    paragraphs[2], paragraphs[3] = paragraphs[3], paragraphs[2]
    copy = "\n\n".join(paragraphs).replace("Tuesday", "Wednesday").replace('"', "\u201d")
    copy = copy.replace(" ", "  ", 3).encode("utf-8").decode("cp1252", errors="replace")
    assert _index(*ARTICLES).query(copy)[0] == "doc0"


def test_a_brief_is_not_contained_in_everything():
    # containment needs a minimum size on the smaller side
    config = NearDupConfig()
    assert _index(HARBOUR, config=config).query("Dock workers at the port of Eastwick") is None


def test_duplicate_of_registers_group_members():
    index = _index(HARBOUR)
    lead = "\n\n".join(HARBOUR.split("\n\n")[:3])
    index.add("lead-copy", lead, duplicate_of="doc0")
    assert index.kept_id("lead-copy") == "doc0"
    assert index.n_kept == 1 and len(index) == 2
    with pytest.raises(KeyError):
        index.add("x", ORCHARD, duplicate_of="unknown")


def test_repeated_id_is_ignored():
    index = _index(HARBOUR)
    index.add("doc0", ORCHARD)
    assert len(index) == 1 and index.query(ORCHARD) is None


def test_lsh_split_follows_threshold():
    assert NearDupConfig(threshold=0.9).lsh_split()[1] > NearDupConfig(threshold=0.5).lsh_split()[1]
    assert NearDupConfig(bands=16, rows=8).lsh_split() == (16, 8)
    with pytest.raises(ValueError):
        NearDupConfig(bands=20, rows=8).lsh_split()


# --- persistence -----------------------------------------------------------------------------------


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "sub" / "neardup.npz"
    index = _index(*ARTICLES)
    index.add("copy", HARBOUR[:600], duplicate_of="doc0")
    index.save(path)
    assert path.exists() and [p.name for p in path.parent.iterdir()] == ["neardup.npz"]
    loaded = NearDupIndex.load(path, NearDupConfig())
    assert len(loaded) == 4 and loaded.n_kept == 3
    assert loaded.query(LIBRARY) == ("doc2", 1.0)
    assert loaded.query(HARBOUR[:700])[0] == "doc0"
    loaded.add("new", "A completely different text about the weather in the mountains " * 5)
    assert loaded.query("A completely different text about the weather in the mountains " * 5)[0] == "new"


def test_load_missing_file_gives_empty_index(tmp_path):
    index = NearDupIndex.load(tmp_path / "absent.npz", NearDupConfig())
    assert len(index) == 0 and index.query(HARBOUR) is None


def test_load_rejects_incompatible_shingles(tmp_path):
    path = tmp_path / "nd.npz"
    _index(HARBOUR).save(path)
    with pytest.raises(ValueError):
        NearDupIndex.load(path, NearDupConfig(shingle_size=3))
    # threshold and LSH split may change between runs
    assert NearDupIndex.load(path, NearDupConfig(threshold=0.9, bands=8, rows=16)).query(HARBOUR)[0] == "doc0"


# --- page noise ------------------------------------------------------------------------------------


def _feed() -> list[str]:
    pages = []
    for i in range(12):
        body = ARTICLES[i % 3]
        footer = [
            f"{WORDS[(i * 5 + k) % len(WORDS)].title()} {WORDS[(i * 3 + k * 7) % len(WORDS)]} "
            f"story about {WORDS[(i + k * 11) % len(WORDS)]}"
            for k in range(5)
        ]
        page = _site_page(body, MENU, footer)
        pages.append(page.replace("Most read", f"Most read\nUpdated {10 + i}:{i:02d} GMT", 1))
    return pages


def test_learn_noise_finds_template_lines_with_changing_digits():
    noise = learn_noise(_feed())
    assert noise_key("Sign in") in noise
    assert noise_key("Updated 11:03 GMT") in noise  # digits masked
    assert noise_key("© 2024 The Example Post. All rights reserved.") in noise
    first_box_item = _feed()[0].split("Most read\n")[1].split("\n")[1]
    assert noise_key(first_box_item) not in noise  # rotating box items vary
    assert not any("dock workers" in key for key in noise)


def test_learn_noise_thresholds():
    texts = ["shared line\nunique a", "shared line\nunique b", "shared line\nunique c"]
    assert learn_noise(texts, min_docs=5) == set()
    assert noise_key("shared line") in learn_noise(texts, min_docs=2, min_fraction=0.5)
    # a line in 5 of 100 documents is not a template line
    many = [f"doc {i} text" + ("\nrare line" if i < 5 else "") for i in range(100)]
    assert noise_key("rare line") not in learn_noise(many)


def test_strip_noise_keeps_title_and_body_and_drops_boxes():
    pages = _feed()
    noise = learn_noise(pages)
    stripped = strip_noise(pages[0], noise)
    assert stripped.startswith("Harbour workers vote to strike over pay")
    assert "Local businesses fear the walkout" in stripped
    assert "story about" not in stripped and "Sign in" not in stripped
    assert "\n\n" in stripped  # paragraph structure kept


def test_strip_noise_never_empties_a_document():
    noise = learn_noise([HARBOUR] * 10)
    assert strip_noise(HARBOUR, noise) == HARBOUR


def test_template_shared_by_different_articles_needs_noise_stripping():
    _feed()
    big_menu = MENU + [f"{a} {b}" for a in ("Local", "Regional", "Global") for b in MENU]
    short = [_site_page(text.split("\n\n")[1], big_menu, ["Same box item"] * 3) for text in ARTICLES]
    raw = NearDupIndex()
    raw.add("a", short[0])
    assert raw.query(short[1]) is not None  # the template alone makes them look alike
    noise = learn_noise(short, min_docs=3)
    clean = NearDupIndex()
    clean.add("a", strip_noise(short[0], noise))
    assert clean.query(strip_noise(short[1], noise)) is None


def test_same_article_on_two_sites_matches_after_stripping():
    site_a = [_site_page(a, MENU, [f"A item {i}"]) for i, a in enumerate(ARTICLES * 3)]
    other_menu = ["Start", "Local", "Money", "Health", "Lifestyle", "Cars", "Jobs", "Log in"] * 3
    site_b = [_site_page(a, other_menu, [f"B item {i}"]) for i, a in enumerate(ARTICLES * 3)]
    noise_a, noise_b = learn_noise(site_a), learn_noise(site_b)
    index = NearDupIndex()
    index.add("a0", strip_noise(site_a[0], noise_a))
    index.add("a1", strip_noise(site_a[1], noise_a))
    hit = index.query(strip_noise(site_b[0], noise_b))
    assert hit is not None and hit[0] == "a0"


# --- benchmark on real articles (needs the shared evaluation data) ---------------------------------

needs_bbc = pytest.mark.skipif(not BBC_DIR.is_dir(), reason="shared/eval/bbc_news not available")


@needs_bbc
def test_bbc_exact_duplicates_are_found_by_hashing():
    from newsclaims.evaluation.neardup_eval import bbc_exact_duplicates

    result = bbc_exact_duplicates(BBC_DIR)
    assert result["files"] == 2225
    assert result["byte_identical_pairs"] == 98
    # every byte-identical pair is found, plus two pairs that differ only in whitespace
    assert result["byte_identical_found"] == 98 and result["pairs"] == 100


@needs_bbc
def test_benchmark_sample_meets_targets():
    from newsclaims.evaluation.neardup_eval import (
        build_benchmark,
        clean_originals,
        load_bbc,
        run_baseline,
        run_ours,
    )

    articles = clean_originals(load_bbc(BBC_DIR)[::6])  # every sixth article: quick, deterministic
    docs = build_benchmark(articles=articles, seed=3, max_originals=250)
    assert len({d.cluster for d in docs}) == 250 and len({d.site for d in docs}) > 1
    ours = run_ours(docs)
    assert ours["precision"] >= 0.99 and ours["recall"] >= 0.95, ours
    baseline = run_baseline(docs, NearDupConfig().threshold)
    assert baseline["f1"] < ours["f1"] - 0.3


def test_eval_main_without_corpus_fails_cleanly(tmp_path):
    from newsclaims.evaluation.neardup_eval import main

    assert main(["--corpus", str(tmp_path / "absent")]) == 2
