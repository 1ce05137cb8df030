"""What the browser tests do on a page: search like a reader, read results, follow links."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from sitebuild import ROOT

# The search widget (overrides/main.html, docs/assets/javascripts/search.js)
SEARCH_ROOT = "[data-fs-search]"
SEARCH_INPUT = "#fs-search-input"
SEARCH_STATUS = ".fs-search__status"
RESULT_LINK = "#fs-search-results [role=option]"


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form of a text."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def record_name(page: str) -> str:
    """'actors/rajnath-singh' -> the record's name in content/ (what its page's h1 shows)."""
    data = yaml.safe_load((ROOT / "content" / f"{page}.yml").read_text(encoding="utf-8"))
    return data.get("name") or data["title"]  # meetings and sources have a title


@dataclass
class Result:
    page: str  # 'actors/andrey-belousov'
    title: str
    href: str


def search(tab, query: str) -> list[Result]:
    """Type `query` into the search box and return the result pages, best first (one option a
    page). The widget marks its root with the query whose results are on screen."""
    page = tab.page
    box = page.locator(SEARCH_INPUT)
    box.click()
    box.fill(query)
    page.wait_for_function(
        "([root, q]) => document.querySelector(root).dataset.query === q",
        arg=[SEARCH_ROOT, query],
    )
    found = page.eval_on_selector_all(
        RESULT_LINK,
        "links => links.map(a => [a.href, a.querySelector('.fs-search__name').textContent])",
    )
    return [Result(tab.site.page_of(href), title, href) for href, title in found]


def open_result(tab, results: list[Result], page: str) -> None:
    """Click the result for `page` and wait until that page is open."""
    index = [r.page for r in results].index(page)
    link = tab.page.locator(RESULT_LINK).nth(index)
    link.click()
    tab.page.wait_for_url(lambda url: tab.site.page_of(url) == page)
    tab.page.wait_for_load_state("load")


def h1(tab) -> str:
    heading = tab.page.locator("article.md-content__inner h1").first
    return heading.inner_text().replace("¶", "").strip()


def follow(tab, selector: str, expected_page: str) -> None:
    """Click the first link matching `selector` and wait for `expected_page` to open."""
    link = tab.page.locator(selector).first
    link.scroll_into_view_if_needed()
    link.click()
    tab.page.wait_for_url(lambda url: tab.site.page_of(url) == expected_page)
    tab.page.wait_for_load_state("load")


def screenshot(tab, folder: Path, name: str) -> Path:
    target = folder / f"{name}-{tab.site.name}.png"
    tab.page.evaluate("document.fonts.ready")
    tab.page.screenshot(path=str(target), full_page=False, animations="disabled", caret="hide")
    return target


# axe-core, the accessibility engine of the browsers' own developer tools, vendored with its
# licence and version (tests/browser/vendor/axe-core/README.txt): no network once installed.
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"  # pinned: a newer axe may bring new rules; update on purpose
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SEVERE = ("serious", "critical")  # best-practice rules fail the test at these impacts

AXE_RUN = """async ([tags, preload]) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
        preload,
    });
    return {
        version: axe.version,
        violations: result.violations.map(v => ({
            id: v.id,
            impact: v.impact,
            tags: v.tags,
            help: v.help,
            nodes: v.nodes.map(n => ({
                target: n.target.join(" "),
                summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 300),
            })),
        })),
    };
}"""


def axe_violations(tab) -> list[dict]:
    """Run axe-core on the page as it is now; the violations this project fails on: any of a
    WCAG 2.1 A/AA rule, and those of a best-practice rule with a serious or critical impact."""
    page = tab.page
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))  # inline: no request
    # axe reads the style sheets again by XMLHttpRequest (for css-orientation-lock), which
    # Chromium refuses from file://: the offline bundle is checked without that one rule.
    preload = tab.site.name == "online"
    result = page.evaluate(AXE_RUN, [[*WCAG_TAGS, "best-practice"], preload])
    assert result["version"] == AXE_VERSION, f"axe-core {result['version']} is not the pinned one"
    return [
        v for v in result["violations"] if set(v["tags"]) & set(WCAG_TAGS) or v["impact"] in SEVERE
    ]


def describe_violations(where: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']} :: {node['summary']}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return lines
