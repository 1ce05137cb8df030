"""Search in a real browser, on the served site and on the unzipped offline bundle."""

from __future__ import annotations

import pytest

from .support import fold, h1, open_result, record_name, search

pytestmark = pytest.mark.browser

BELOUSOV = "actors/andrey-belousov"
SINGH = "actors/rajnath-singh"
QINGDAO = "places/qingdao"
COMMUNIQUE = "topics/sco-qingdao-joint-communique"

CASES = [
    pytest.param("Belousov", BELOUSOV, id="latin-name"),
    pytest.param("Белоусов", BELOUSOV, id="cyrillic-name"),
    pytest.param("राजनाथ", SINGH, id="devanagari-name"),
    pytest.param("Qingdao", QINGDAO, id="place"),
    pytest.param("communiqué", COMMUNIQUE, id="with-diacritic"),
    pytest.param("communique", COMMUNIQUE, id="without-diacritic"),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_search_finds_the_record_and_opens_it(tab, query, expected):
    tab.goto()
    results = search(tab, query)
    pages = [r.page for r in results]
    shown = [(r.page, r.title) for r in results[:6]]
    assert expected in pages[:3], f"{query!r}: {expected} not among the first three: {shown}"

    # The record's own page ranks above every page that merely mentions the name: only pages
    # whose own title carries the query (other records named after it) may come first.
    rank = pages.index(expected)
    ahead = [(r.page, r.title) for r in results[:rank] if fold(query) not in fold(r.title)]
    assert not ahead, f"{query!r}: pages that only mention it rank above {expected}: {ahead}"

    open_result(tab, results, expected)
    assert h1(tab) == record_name(expected)
    tab.assert_clean()


def test_diacritics_are_ignored_both_ways(tab):
    """Every record named with "communiqué" is found by both spellings: the accented one through
    the page text, the plain one through the folded variants the generator adds to each page.
    (Positions are named after their topic and carry no variants of their own.)"""
    tab.goto()
    accented = search(tab, "communiqué")
    tab.goto()
    plain = {r.page for r in search(tab, "communique")}
    named = {
        r.page
        for r in accented
        if "communique" in fold(r.title) and not r.page.startswith("positions/")
    }
    assert COMMUNIQUE in named
    assert named <= plain, f"found only with the accent: {sorted(named - plain)}"
    tab.assert_clean()
