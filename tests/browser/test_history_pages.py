"""What a reader sees of the history: a record's History section (collapsed, then opened) and the
recent-changes page, in headless Chromium, screenshotted (artifacts/screenshots/).

The site is built from the scripted git repository of tests/test_history.py (six commits: add,
edit, add a participant, fix a date, rename, delete) and served on 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from sitebuild import mkdocs_build
from test_history import scripted_repository

from .conftest import Site, open_tab
from .support import screenshot

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def history_site(tmp_path_factory):
    repo = scripted_repository(tmp_path_factory.mktemp("history-browser") / "repo")
    result = mkdocs_build(repo)
    assert result.returncode == 0, result.stderr[-4000:]
    handler = functools.partial(_Quiet, directory=str(repo / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield Site("online", repo / "site", base, base)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def history_tab(browser, history_site):
    yield from open_tab(browser, history_site)


def test_history_section_opens_and_reads_in_words(history_tab, artifacts):
    tab = history_tab
    tab.goto("meetings/talks")
    history = tab.page.locator("details.fs-history")
    fix = history.get_by_text("date: 25 June 2025 → 26 June 2025")
    assert history.count() == 1
    assert not fix.is_visible()  # collapsed by default
    history.locator("summary").click()
    assert fix.is_visible()
    assert history.get_by_text("participant added: Andrey Belousov").is_visible()
    link = history.get_by_role("link", name="Andrey Belousov")
    assert link.get_attribute("href") == "../../actors/andrey-belousov/"
    history.scroll_into_view_if_needed()
    screenshot(tab, artifacts, "history-section")
    tab.assert_clean()


def test_recent_changes_page_by_day(history_tab, artifacts):
    tab = history_tab
    tab.goto()
    tab.page.get_by_role("link", name="Recent changes").first.click()
    tab.page.wait_for_url("**/changes/")
    days = tab.page.locator("article h2").all_inner_texts()
    assert [d.rstrip("¶").strip() for d in days] == [f"{d} June 2025" for d in range(25, 19, -1)]
    assert tab.page.get_by_text("renamed from singh-rajnath").is_visible()
    screenshot(tab, artifacts, "changes-page")
    tab.page.get_by_role("link", name="Rajnath Singh").first.click()
    tab.page.wait_for_url("**/actors/rajnath-singh/")
    tab.assert_clean()


def test_offline_bundle_holds_history_changes_feeds_and_calendars(browser, offline_site, artifacts):
    import feedparser
    import icalendar

    root = offline_site.root
    parsed = feedparser.parse((root / "feeds/changes.xml").read_bytes())
    assert not parsed.bozo and parsed.version == "atom10"
    assert (root / "feeds/actors/rajnath-singh.xml").is_file()
    calendar = icalendar.Calendar.from_ical((root / "feeds/meetings.ics").read_bytes())
    assert calendar.walk("VEVENT")
    for tab in open_tab(browser, offline_site):
        tab.goto("changes/index")  # the bundle is built outside git: the page says so
        assert tab.page.get_by_text("History not available in this build").is_visible()
        tab.goto("actors/rajnath-singh")
        assert tab.page.locator("#history").is_visible()
        follow = tab.page.locator(".fs-follow a").first
        assert follow.get_attribute("href") == "../feeds/actors/rajnath-singh.xml"
        tab.assert_clean()
