"""A reader's tour by links: Rajnath Singh -> the Qingdao meeting with Belousov -> Andrey
Belousov -> a source -> back to Belousov (the source's "Cited by") -> Rajnath Singh through
Belousov's "Mentioned in". On the served site and in the offline bundle."""

from __future__ import annotations

import pytest

from .support import follow, h1, record_name

pytestmark = pytest.mark.browser

SINGH = "actors/rajnath-singh"
BELOUSOV = "actors/andrey-belousov"
MEETING = "meetings/singh-belousov-meeting-2025-06-26"


def test_follow_links_from_singh_to_belousov_a_source_and_back(tab):
    page = tab.page
    tab.goto(SINGH)
    assert h1(tab) == record_name(SINGH)

    # Singh's "Meetings" table -> the bilateral meeting with Belousov in Qingdao
    follow(tab, f"article h2#meetings ~ * a[href*='{MEETING.split('/')[1]}']", MEETING)
    assert h1(tab) == record_name(MEETING)
    assert "Qingdao" in page.locator("article .fs-factbox").inner_text()

    # the meeting's participants -> Andrey Belousov
    follow(tab, "article h2#participants ~ * a[href*='andrey-belousov']", BELOUSOV)
    assert h1(tab) == record_name(BELOUSOV)

    # Belousov's sources -> the first source he is cited from
    source_link = page.locator("article h2#sources + ol a[href*='sources/']").first
    source_title = source_link.inner_text().strip()
    source_link.click()
    page.wait_for_url(lambda url: tab.site.page_of(url).startswith("sources/"))
    page.wait_for_load_state("load")
    source = tab.site.page_of(page.url)
    assert h1(tab) == source_title == record_name(source)

    # the source's "Cited by" -> back to Belousov
    assert page.locator("article h2#cited-by").inner_text().startswith("Cited by")
    follow(tab, "article h2#cited-by ~ ul a[href*='andrey-belousov']", BELOUSOV)
    assert h1(tab) == record_name(BELOUSOV)

    # Belousov's "Mentioned in" -> Rajnath Singh, where the tour began
    assert page.locator("article h2#mentioned-in").inner_text().startswith("Mentioned in")
    follow(tab, "article h2#mentioned-in + ul a[href*='rajnath-singh']", SINGH)
    assert h1(tab) == record_name(SINGH)

    # and the browser's own history works too
    page.go_back()
    page.wait_for_url(lambda url: tab.site.page_of(url) == BELOUSOV)
    tab.assert_clean()


def test_navigation_tabs_reach_every_index(tab):
    """The top-level sections (Actors, Meetings, …) open from the home page in both builds."""
    tab.goto()
    for section in ("actors", "meetings", "positions", "topics", "places", "sources"):
        selector = f"nav.md-nav--primary a.md-nav__link[href*='{section}']"
        assert tab.page.locator(selector).count() >= 1, f"no navigation link to {section}"
        follow(tab, selector, section)
        assert h1(tab)
    tab.assert_clean()
