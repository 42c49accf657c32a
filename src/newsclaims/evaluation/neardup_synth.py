"""How the near-duplicate benchmark makes its pages: synthetic sites that wrap many articles in one
template (:func:`make_site`, :func:`render_page`) and the perturbations of one copy (excerpts, dropped
and reordered paragraphs, typography and encoding, whitespace, edited words: :func:`make_copy`).
See :mod:`newsclaims.evaluation.neardup_eval` for the benchmark and its scoring."""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, replace
from typing import Sequence


@dataclass(frozen=True)
class Article:
    """One BBC article: ``key`` is its path relative to the corpus (e.g. ``business/001.txt``)."""

    key: str
    topic: str
    title: str
    paragraphs: tuple[str, ...]


# --- synthetic sites -------------------------------------------------------------------------------

_SECTIONS = (
    "Home News World UK England Scotland Wales Business Markets Companies Economy Personal Finance "
    "Politics Parliament Elections Health Education Science Environment Climate Technology Gadgets "
    "Games Internet Security Entertainment Arts Film Music TV Radio Books Culture Sport Football "
    "Cricket Rugby Tennis Golf Athletics Formula One Boxing Cycling Motorsport Weather Travel Food "
    "Lifestyle Fashion Beauty Property Motoring Cars Jobs Careers Money Pensions Mortgages Insurance "
    "Opinion Comment Letters Obituaries Puzzles Crosswords Podcasts Video Live Photos In Pictures "
    "Newsletters Magazine Features Analysis Investigations Data Fact Check Local Regions Africa Asia "
    "Europe Americas Middle East Australia Asia Pacific Family Education Schools Universities"
).split()

_UI_LINES = (
    "Skip to main content",
    "Skip to navigation",
    "Sign in",
    "Register",
    "Subscribe",
    "Search",
    "Menu",
    "Accessibility help",
    "Edition: UK",
    "Edition: International",
    "Log in",
    "My account",
    "Notifications",
    "Top stories",
    "Latest",
    "Most popular",
    "Live now",
    "Trending",
)

_LINK_LIST = (
    "About us",
    "Contact us",
    "Careers",
    "Advertise with us",
    "Terms of use",
    "Privacy policy",
    "Cookie settings",
    "Accessibility",
    "Help",
    "Site map",
    "Complaints",
    "Corrections",
    "RSS",
    "Syndication",
    "Newsletters",
    "Apps",
    "Archive",
    "Events",
    "Shop",
    "Jobs board",
)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Site:
    """A synthetic site: its fixed template parts and house style."""

    name: str
    header: tuple[str, ...]
    menu_blocks: tuple[str, ...]
    cookie: str
    newsletter: str
    footer_links: tuple[str, ...]
    copyright: str
    box_titles: tuple[str, str]
    n_box_items: int
    ad_every: int  # an "Advertisement" line after every n-th paragraph (0: never)
    curly_quotes: bool
    wrap: int  # hard-wrap width for body paragraphs (0: none)
    crlf: bool
    timestamp_style: int


def _pseudo_word(rng: random.Random) -> str:
    consonants, vowels = "bcdfghklmnprstvwz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))).title()


def make_site(index: int, rng: random.Random) -> Site:
    """A site with a template of realistic, varied size (menus of 20 to 120 items)."""
    name = f"The {_pseudo_word(rng)} {rng.choice(['Times', 'Post', 'Herald', 'Daily', 'Online', 'Wire', 'Observer'])}"
    items = rng.sample(_SECTIONS, k=min(len(_SECTIONS), rng.randint(20, 60)))
    items += [f"{rng.choice(_SECTIONS)} {_pseudo_word(rng)}" for _ in range(rng.randint(0, 60))]
    if rng.random() < 0.5:
        menu_blocks = ("\n".join(items),)
    else:
        per_line = rng.randint(5, 10)
        lines = [" | ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        menu_blocks = tuple(lines) if rng.random() < 0.5 else ("\n".join(lines),)
    header = tuple(rng.sample(_UI_LINES, k=rng.randint(3, 9))) + (name,)
    cookie = (
        f"We use cookies on {name} to give you the best online experience. By continuing to "
        "use this site you agree to our use of cookies and similar technologies for "
        "analytics, personalised content and advertising. You can change your cookie "
        "settings at any time. Find out more in our cookie policy."
    )
    newsletter = (
        f"Sign up for the {name} morning briefing: the day's most important stories, "
        "delivered to your inbox before breakfast. Free, and you can unsubscribe at any time."
    )
    links = tuple(rng.sample(_LINK_LIST, k=rng.randint(6, len(_LINK_LIST))))
    footer_links = (
        ("\n".join(links),)
        if rng.random() < 0.5
        else tuple(" | ".join(links[i : i + 6]) for i in range(0, len(links), 6))
    )
    return Site(
        name=f"site{index:02d}",
        header=header,
        menu_blocks=menu_blocks,
        cookie=cookie,
        newsletter=newsletter,
        footer_links=footer_links,
        copyright=f"© {rng.randint(1998, 2005)}-2005 {name}. All rights reserved.",
        box_titles=(
            rng.choice(["Most read", "Most popular", "Top stories", "Trending now"]),
            rng.choice(["Related stories", "More on this story", "You may also like", "Read more"]),
        ),
        n_box_items=rng.randint(3, 10),
        ad_every=rng.choice([0, 0, 2, 3, 4]),
        curly_quotes=rng.random() < 0.5,
        wrap=rng.choice([0, 0, 0, 72, 80]),
        crlf=rng.random() < 0.25,
        timestamp_style=rng.randint(0, 2),
    )


def _timestamp(site: Site, rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.choice(_MONTHS), rng.choice([2004, 2005])
    hh, mm = rng.randint(0, 23), rng.randint(0, 59)
    weekday = rng.choice(_WEEKDAYS)
    if site.timestamp_style == 0:
        return f"Page last updated at {hh:02d}:{mm:02d} GMT, {weekday}, {day} {month} {year}"
    if site.timestamp_style == 1:
        return f"Published: {day:02d}/{_MONTHS.index(month) + 1:02d}/{year} {hh:02d}:{mm:02d}"
    return f"Updated {month} {day}, {year} at {hh % 12 + 1}:{mm:02d} {'am' if hh < 12 else 'pm'}"


def render_page(
    site: Site, title: str, paragraphs: Sequence[str], rng: random.Random, headline_pool: Sequence[str]
) -> str:
    """The page text a crawler would hand over for this site: template around title + body."""
    blocks: list[str] = ["\n".join(site.header), *site.menu_blocks]
    if rng.random() < 0.7:
        blocks.append(site.cookie)
    blocks.append(title)
    if rng.random() < 0.5:
        blocks.append(_timestamp(site, rng))
    for i, paragraph in enumerate(paragraphs, start=1):
        blocks.append(_wrap(paragraph, site.wrap) if site.wrap else paragraph)
        if site.ad_every and i % site.ad_every == 0 and i < len(paragraphs):
            blocks.append("Advertisement")
    if rng.random() < 0.6:
        blocks.append("Share this article\nFacebook\nTwitter\nEmail\nWhatsApp")
    for box_title in site.box_titles:
        items = rng.sample(headline_pool, k=site.n_box_items)
        if rng.random() < 0.5:
            blocks.append("\n".join([box_title, *items]))
        else:
            blocks.extend([box_title, *items])
    if rng.random() < 0.5:
        blocks.append(site.newsletter)
    blocks.append(_timestamp(site, rng))
    blocks.extend(site.footer_links)
    blocks.append(site.copyright)
    text = "\n\n".join(blocks)
    if site.curly_quotes:
        text = _curly_quotes(text)
    return text.replace("\n", "\r\n") if site.crlf else text


def _wrap(paragraph: str, width: int) -> str:
    lines, current = [], ""
    for word in paragraph.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "\n".join(lines)


def _curly_quotes(text: str) -> str:
    text = re.sub(r'"(?=\w)', "\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"(?<=\w)'", "\u2019", text)
    return re.sub(r"'(?=\w)", "\u2018", text)


# --- perturbations of one copy ---------------------------------------------------------------------

#: an excerpt keeps at least this many body words: shorter teasers (a headline and one sentence)
#: are out of scope -- a shared lead sentence does not make two articles copies of each other
MIN_EXCERPT_WORDS = 60


def _truncate(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A lead excerpt of 30-80 % of the body words (at least ``MIN_EXCERPT_WORDS``), ending at a
    paragraph boundary or cut mid-paragraph with "..."."""
    total = sum(len(p.split()) for p in paragraphs)
    target = max(MIN_EXCERPT_WORDS, round(total * rng.uniform(0.3, 0.8)))
    if target >= total:
        return paragraphs
    out, count = [], 0
    for paragraph in paragraphs:
        words = paragraph.split()
        if count + len(words) <= target:
            out.append(paragraph)
            count += len(words)
            continue
        if count < MIN_EXCERPT_WORDS or rng.random() < 0.5:
            out.append(" ".join(words[: target - count]) + "...")
        break
    return out


def _drop(paragraphs: list[str], rng: random.Random) -> list[str]:
    if len(paragraphs) < 5:
        return paragraphs
    drop = set(rng.sample(range(1, len(paragraphs)), k=rng.randint(1, 2)))
    return [p for i, p in enumerate(paragraphs) if i not in drop]


def _reorder(paragraphs: list[str], rng: random.Random) -> list[str]:
    if len(paragraphs) < 3:
        return paragraphs
    out = paragraphs[:]
    i = rng.randrange(1, len(out) - 1)
    out[i], out[i + 1] = out[i + 1], out[i]
    if rng.random() < 0.5:
        moved = out.pop(rng.randrange(1, len(out)))
        out.insert(rng.randrange(1, len(out) + 1), moved)
    return out


def _edit_words(paragraphs: list[str], rng: random.Random) -> list[str]:
    """1-4 word-level edits: a substitution from the article's own vocabulary, a deletion, or a
    changed number."""
    out = paragraphs[:]
    vocab = [w for p in out for w in p.split() if w.isalpha()]
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        words = out[i].split()
        if len(words) < 3:
            continue
        j = rng.randrange(len(words))
        action = rng.random()
        if any(ch.isdigit() for ch in words[j]):
            words[j] = re.sub(r"\d", lambda m: str(rng.randint(0, 9)), words[j])
        elif action < 0.6 and vocab:
            words[j] = rng.choice(vocab)
        else:
            del words[j]
        out[i] = " ".join(words)
    return out


def _typography(text: str, rng: random.Random) -> str:
    """Quote/dash style, NBSP, HTML entities, mojibake or '?'-damaged characters."""
    if rng.random() < 0.5:
        text = _curly_quotes(text)
    else:
        text = text.translate(str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}))
    if rng.random() < 0.4:
        text = text.replace(" - ", " \u2014 ").replace("£", "£\u00a0" if rng.random() < 0.5 else "£")
    if rng.random() < 0.4:
        text = re.sub(r" (?=\w)", lambda m: "\u00a0" if rng.random() < 0.1 else " ", text)
    if rng.random() < 0.3:
        text = html.escape(text, quote=rng.random() < 0.5)
    damage = rng.random()
    if damage < 0.3:
        text = text.encode("utf-8").decode("cp1252", errors="replace")  # UTF-8 read as cp1252
    elif damage < 0.45:
        text = "".join(ch if ord(ch) < 128 or ch.isspace() else "?" for ch in text)
    return text


def _whitespace(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = re.sub(r" ", lambda m: "  " if rng.random() < 0.05 else " ", text)
    if rng.random() < 0.3:
        text = text.replace("\n", " \n")
    if rng.random() < 0.3:
        text = re.sub(r"\n\n", "\n\n\n", text)
    return text


def make_copy(article: Article, rng: random.Random) -> tuple[str, list[str], list[str]]:
    """(title, paragraphs, perturbation names) of one altered copy of ``article``."""
    title, paragraphs, applied = article.title, list(article.paragraphs), []
    for name, fn, p in (
        ("drop", _drop, 0.25),
        ("reorder", _reorder, 0.2),
        ("truncate", _truncate, 0.3),
        ("edit", _edit_words, 0.4),
    ):
        if rng.random() < p:
            changed = fn(paragraphs, rng)
            if changed != paragraphs:
                paragraphs, applied = changed, applied + [name]
    if rng.random() < 0.2:
        title = rng.choice(["UPDATED: ", "Analysis: ", "", "Watch: "]) + title
        applied.append("title")
    return title, paragraphs, applied


#: a follow-up reuses at most this share of the donor's words (more would make it a copy)
MAX_BORROWED_SHARE = 0.25


def borrow_background(article: Article, donor: Article, rng: random.Random) -> Article | None:
    """A *different* article that reuses background paragraphs of ``donor`` (follow-up stories
    do this), at most ``MAX_BORROWED_SHARE`` of the donor's words: a hard negative that shares
    real text with another cluster.  ``None`` when no donor paragraph is short enough."""
    budget = MAX_BORROWED_SHARE * sum(len(p.split()) for p in donor.paragraphs)
    borrowed, used = [], 0
    for paragraph in rng.sample(list(donor.paragraphs[1:]), k=len(donor.paragraphs) - 1):
        words = len(paragraph.split())
        if used + words <= budget and len(borrowed) < 2:
            borrowed.append(paragraph)
            used += words
    if not borrowed:
        return None
    paragraphs = list(article.paragraphs)
    for paragraph in borrowed:
        paragraphs.insert(rng.randint(1, len(paragraphs)), paragraph)
    return replace(article, paragraphs=tuple(paragraphs))
