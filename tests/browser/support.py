"""What the browser tests do on a page: search like a reader, read results, follow links."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from sitebuild import ROOT

# Material for MkDocs 9.x
SEARCH_INPUT = "input.md-search__input"
SEARCH_STATUS = ".md-search-result__meta"
RESULT_ITEM = "li.md-search-result__item"
RESULT_LINK = "a.md-search-result__link"


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
    """Type `query` into Material's search box and return the result pages, best first.

    Material groups results by page: one `li.md-search-result__item` a page, whose first
    `a.md-search-result__link` is the page and the others its sections. Material reads the query
    on keyup, so `fill()` alone would search nothing: press a key after it."""
    page = tab.page
    box = page.locator(SEARCH_INPUT)
    box.click()  # opens the search; Material starts its worker on load
    # wait_for_function polls every animation frame; expect() backs off up to a second a try
    page.wait_for_function(
        "s => { const e = document.querySelector(s);"
        " return e && !/Initializing/i.test(e.textContent) }",
        arg=SEARCH_STATUS,
    )
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        """([s, item]) => {
            const e = document.querySelector(s);
            if (!e || !/matching document/i.test(e.textContent)) return false;
            return /^\\s*no /i.test(e.textContent) || document.querySelector(item) !== null;
        }""",
        arg=[SEARCH_STATUS, RESULT_ITEM],
    )
    found = page.eval_on_selector_all(
        RESULT_ITEM,
        """items => items.map(li => {
            const a = li.querySelector('a.md-search-result__link');
            const h = a.querySelector('h1, h2');
            return [a.href, (h || a).textContent.trim()];
        })""",
    )
    return [Result(tab.site.page_of(href), title, href) for href, title in found]


def open_result(tab, results: list[Result], page: str) -> None:
    """Click the result for `page` and wait until that page is open."""
    index = [r.page for r in results].index(page)
    link = tab.page.locator(RESULT_ITEM).nth(index).locator(RESULT_LINK).first
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
