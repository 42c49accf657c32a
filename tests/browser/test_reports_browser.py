"""The generated report pages in headless Chromium: no console errors, key text visible, article
markup inert, claim links working; a screenshot of each page is saved in the pytest tmp dir."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from browser.reports_support import build_report_warehouse


@pytest.fixture(scope="session")
def report_wh(tmp_path_factory):
    return build_report_warehouse(tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def pages(report_wh, tmp_path_factory):
    from newsclaims.cli.report import report_app

    wh, info = report_wh
    out = tmp_path_factory.mktemp("report-pages")
    made = {}
    for name, args in {
        "story": ["story", info["tass"]],
        "entity": ["entity", "Sergey Lavrov"],
        "run": ["run"],
        "xss": ["story", info["xss"]],
    }.items():
        path = out / f"{name}.html"
        r = CliRunner().invoke(report_app, [*args, "-w", str(wh.root), "--out", str(path)])
        assert r.exit_code == 0, r.output
        made[name] = path
    return made


def _visible(page, text: str) -> bool:
    """The text is in the rendered page and the element holding it has a size on screen."""
    return page.eval(f"""(() => {{
        const needle = {json.dumps(text)};
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        let hit = null;
        const all = document.body.innerText;
        if (!all.includes(needle)) return false;
        while (walker.nextNode()) {{
            const el = walker.currentNode.parentElement;
            if (el && el.innerText && el.innerText.includes(needle.slice(0, 20))) {{ hit = el; break; }}
        }}
        if (!hit) return false;
        const r = hit.getBoundingClientRect(), st = getComputedStyle(hit);
        return r.width > 0 && r.height > 0 && st.visibility !== "hidden" && st.display !== "none";
    }})()""")


KEY_TEXT = {
    "story": [
        "TASS",
        "The Moscow Times",
        "2022-01-28",
        "Claims carried by several outlets, side by side",
        "Who was quoted how often",
        "Sergei Lavrov",
        "If it depends on the Russian Federation",
        "throwing wool over our eyes",
        "What each outlet carried that the others did not",
    ],
    "entity": [
        "Sergei Lavrov",
        "Sergey Lavrov",
        "Mentions and claims per day and outlet",
        "What Sergei Lavrov said",
    ],
    "run": [
        "Rejects by reason",
        "empty document",
        "Stage timings",
        "Rows per table",
        "Data-quality checks",
        "warn",
    ],
    "xss": ["<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=2">'],
}


@pytest.mark.parametrize("name", ["story", "entity", "run", "xss"])
def test_page_in_chromium(name, pages, open_page, tmp_path):
    page = open_page(pages[name])
    assert page.errors() == []
    text = page.eval("document.body.innerText")
    for needle in KEY_TEXT[name]:
        assert needle in text, needle
        assert _visible(page, needle), needle
    # article text stayed text: nothing it carried ran or became an element
    assert page.eval("window.__pwned === undefined")
    assert page.eval("document.images.length") == 0
    assert page.eval("document.scripts.length") == 1
    # offline: no resource came from anywhere but the page itself
    assert page.eval("performance.getEntriesByType('resource').length") == 0
    shot = page.screenshot(tmp_path / f"report-{name}.png")
    assert shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")


def test_story_claim_links_land_on_their_sentence(pages, open_page, report_wh):
    _, info = report_wh
    claim = info["pairs"][2][1]  # The Moscow Times: "in many ways throwing wool over our eyes ..."
    page = open_page(pages["story"], f"#claim-{claim}")
    assert page.errors() == []
    marked = page.eval("Array.from(document.querySelectorAll('mark.span.hl')).map(m => m.innerText).join('')")
    assert "throwing wool over our eyes" in marked
    # the link in the side-by-side card points at the same anchor, which sits in the article text
    assert (
        page.eval(f"document.querySelector('#card-{claim} a.jump').getAttribute('href')") == f"#claim-{claim}"
    )
    assert page.eval(f"!!document.querySelector('article.text #claim-{claim}')")
    top = page.eval(f"document.getElementById('claim-{claim}').getBoundingClientRect().top")
    assert 0 <= top < page.eval("window.innerHeight")  # scrolled into view
