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
