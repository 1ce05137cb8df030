"""Atom feeds (RFC 4287) of what changed: the whole site, and one per actor and per topic.

`feeds/changes.xml` holds the latest changes across the site; `feeds/<type>/<id>.xml` the changes
to one actor or topic and to the records involving it (generator/history_view.py decides which).
Written with feedgen (well kept, lxml underneath, escapes every text); nothing here reads the
clock: entry and feed dates are commit dates, ids are UUIDs derived from the commit and the
record, so two builds of the same revision are byte-identical. Links are relative to the feed's
own address (RFC 4287 resolves them against it), as the site has no fixed address.
"""

from __future__ import annotations

import functools
import html
import os
import posixpath
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator

from .history import Event, History
from .history_view import RECENT, as_text, current_id, event_lines, event_title, feed_events
from .link import Facts, record_name

FEED_TYPES = ("actors", "topics")  # the records one can follow
NAMESPACE = uuid.UUID(
    "7f1b2c1e-7a53-4d0b-9a7e-2f6d8e1c4b11"
)  # of this project's feed and entry ids
SITE_FEED = "feeds/changes.xml"
CHANGES_PAGE = "changes/index.md"


@dataclass(frozen=True)
class Publication:
    """What the feeds and calendars need to know about the site they are part of."""

    name: str = "Diplomacy Fact Sheets"
    directory_urls: bool = True  # /actors/x/ online; actors/x.html in the offline bundle
    url: str | None = None  # mkdocs' site_url, when set: calendars then carry absolute URLs

    def page_url(self, markdown_path: str) -> str:
        """The URL of a page (`actors/x.md`) relative to the site's top folder."""
        stem = markdown_path[: -len(".md")]
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def relative_url(self, markdown_path: str, from_page: str) -> str:
        """The URL of a page (`actors/x.md`) relative to the URL of the page `from_page`: what
        MkDocs makes of a Markdown link between the two (`../../meetings/m/`)."""
        target = self.page_url(markdown_path)
        here = self.page_url(from_page)
        base = here if here.endswith("/") or not here else posixpath.dirname(here)
        path = relative(target or ".", base.rstrip("/") or ".")
        if (target.endswith("/") or not target) and not path.endswith("/"):
            path = "./" if path == "." else path + "/"
        return path

    def link(self, markdown_path: str, start: str) -> str:
        """The page's URL from the file `start` (both relative to the site's top folder)."""
        target = self.page_url(markdown_path)
        if self.url:
            return self.url.rstrip("/") + "/" + target
        path = relative(target or ".", posixpath.dirname(start) or ".")
        return path + ("/" if target.endswith("/") and not path.endswith("/") else "")


@functools.lru_cache(maxsize=1 << 17)
def relative(target: str, start: str) -> str:
    """posixpath.relpath, remembered: every page links to the same pages from one of a few
    folders (relpath itself, two abspath() calls each time, was a fifth of the rendering time),
    and the feeds and calendars ask the same 40,000 questions at 10,000 records on every build
    (a second of an edit's rebuild in `mkdocs serve`). views.py uses it too.

    Links between pages of directory URLs start from each page's own folder, so most questions
    are asked once (237,000 at 10,000 records, 2.3 s of a build's 32 s in relpath): for the
    site's own paths (relative, no `..`) the answer is worked out from their segments, as
    relpath gives it (a property test compares the two), without its two abspath() calls."""
    to, here = _segments(target), _segments(start)
    if to is None or here is None:  # absolute, or with `..`: relpath's own rules
        return posixpath.relpath(target, start)
    common = 0
    for a, b in zip(to, here, strict=False):  # up to the shorter
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def _segments(path: str) -> list[str] | None:
    """A relative path's segments as normpath leaves them, or None where this cannot say."""
    if not path or path.startswith("/"):
        return None
    parts = [part for part in path.split("/") if part and part != "."]
    return None if ".." in parts else parts


def feed_path(type_: str, record_id: str) -> str:
    return f"feeds/{type_}/{record_id}.xml"


def fallback_date() -> str:
    """A feed with no entry is dated by SOURCE_DATE_EPOCH (reproducible builds), else 1970."""
    try:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    except ValueError:
        epoch = 0
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def entry_id(event: Event) -> str:
    return _entry_id(event.commit.sha, event.type, event.id)


@functools.lru_cache(maxsize=1 << 17)
def _entry_id(sha: str, type_: str, id_: str) -> str:  # the same events on every rebuild
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{sha}:{type_}/{id_}')}"


class Serialised:
    """What a serialiser (feedgen, icalendar) made of an input, by the whole input: the same
    input gives the same bytes, so nothing needs to know which records the output read. Kept
    across incremental builds (generator/incremental.py); holds what the last two builds made.

    Also a feed entry's words and link, by (event, folder, site), and a calendar's event
    (ical.py), each with the records it reads: an incremental build that knows which records may
    read differently (`expect`) makes again only the entries that read one of them (at 10,000
    records, 14,000 feed entries made anew were half the feeds' time on a save)."""

    def __init__(self) -> None:
        self.last: dict[tuple, bytes] = {}
        self.now: dict[tuple, bytes] = {}
        self.entries_last: dict[tuple, tuple[tuple, frozenset[str]]] = {}
        self.entries_now: dict[tuple, tuple[tuple, frozenset[str]]] = {}
        self.stale: set[str] = set()
        self.history: Any = None  # the History the entries were made from
        self.expected: tuple[Any, set[str] | None] | None = None
        self.entries_made = 0  # this build's entries made anew, not taken from the last build

    def __getstate__(self) -> dict:
        # as kept between builds (generator/buildcache.py): what the last build made, not what
        # the one before it made (the next build's `roll` drops that anyway)
        return {**self.__dict__, "last": {}, "entries_last": {}}

    def expect(self, history: Any, stale: set[str] | None) -> None:
        """The next build reads `history`; of the records, only those in `stale` may show other
        names, ids or links than in the last build (None: any may)."""
        self.expected = (history, stale)

    def roll(self) -> None:
        """A new build: what the previous one made is what may be reused."""
        self.last, self.now = self.now, {}
        expected, self.expected = self.expected, None
        history, stale = expected if expected is not None else (None, None)
        same = stale is not None and history is not None and history is self.history
        self.entries_last = self.entries_now if same else {}
        self.entries_now, self.stale, self.history = {}, stale or set(), history
        self.entries_made = 0

    def get(self, key: tuple, make: Any) -> bytes:
        data = self.now.get(key)
        if data is None:
            data = self.last.get(key)
            if data is None:
                data = make()
            self.now[key] = data
        return data

    def entry(self, key: tuple, make: Any) -> tuple:
        """`make()` gives (entry, the ids of the records it names)."""
        made = self.entries_now.get(key)
        if made is None:
            made = self.entries_last.get(key)
            if made is None or not made[1].isdisjoint(self.stale):
                made = make()
                self.entries_made += 1
            self.entries_now[key] = made
        return made[0]


def write_feed(
    path: str,
    title: str,
    events: list[Event],
    facts: Facts,
    site: Publication,
    history: History,
    page: str,
    memo: Serialised | None = None,
) -> bytes:
    """One Atom feed as bytes: `path` is where it lives, `page` the page it follows. An event is
    in the feed of each record it names, its link relative to the folder: its entry is made once
    a folder (`memo.entry`)."""
    memo = memo or Serialised()
    folder = posixpath.dirname(path)
    entries = [
        memo.entry((event.order, folder, site), lambda e=event: _entry(e, facts, site, path))
        for event in events
    ]
    feed = (
        path,
        title,
        site.name,
        site.link(page, path),
        events[0].commit.date if events else history.newest or fallback_date(),
        None if history.available else history.reason,
        tuple(entries),
    )
    return memo.get(("feed", *feed), lambda: _atom(*feed))


def _entry(event: Event, facts: Facts, site: Publication, path: str) -> tuple[tuple, frozenset]:
    """An event's entry, and the records it reads: its own (under its ids), those its lines
    name."""
    now = current_id(event, facts)
    link = None
    if now is not None:
        link = site.link(f"{facts.records[now].type}/{now}.md", path)
    lines = event_lines(event, facts)
    named = {part.text for line in lines for part in line if part.kind == "record"}
    items = "".join(f"<li>{html.escape(as_text(line, facts), quote=False)}</li>" for line in lines)
    content = f"<p>{html.escape(event.commit.subject, quote=False)}</p><ul>{items}</ul>"
    entry = (
        entry_id(event),
        f"{event_title(event, facts)}: {_kind(event)}",
        event.commit.date,
        link,
        content,
    )
    # whether the event's record is still one, of its type, and under which id: its own id
    named |= {event.id, now or event.id, facts.renamed.get(event.id, event.id)}
    return entry, frozenset(named)


def _atom(path, title, name, alternate, updated, unavailable, entries) -> bytes:
    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid.uuid5(NAMESPACE, 'feed:' + path)}")
    feed.title(title)
    feed.author({"name": name})
    feed.link(href=alternate, rel="alternate", type="text/html")
    feed.link(href=posixpath.basename(path), rel="self", type="application/atom+xml")
    feed.updated(_when(updated))
    if unavailable is not None:
        feed.subtitle(f"History not available in this build: {unavailable}.")
    feed.generator("factsheets")
    for ident, entry_title, date, link, content in entries:
        entry = feed.add_entry(order="append")
        entry.id(ident)
        entry.title(entry_title)
        entry.updated(_when(date))
        if link is not None:
            entry.link(href=link, rel="alternate")
        entry.content(content, type="html")
    return feed.atom_str(pretty=True)


def _when(text: str) -> datetime | str:
    """A commit date (ISO 8601, with its offset) as feedgen takes it. Given the string, feedgen
    parses it with dateutil, which was a third of the time of writing the feeds at 10,000
    records; the standard library reads git's ISO dates itself, to the same instant and offset."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text  # whatever else feedgen reads, it still reads
    return when if when.tzinfo is not None else text


def _kind(event: Event) -> str:
    if event.kind == "added":
        return "first published"
    if event.kind == "renamed":
        return f"renamed from {event.former}"
    return event.kind


def render_feeds(
    facts: Facts, index: Any, history: History, site: Publication, memo: Serialised | None = None
) -> dict[str, bytes]:
    """Every feed: {"feeds/changes.xml": b"<?xml …", "feeds/actors/x.xml": …}."""
    memo = memo or Serialised()  # an entry is made once a folder, in every feed it is in
    out = {
        SITE_FEED: write_feed(
            SITE_FEED,
            f"{site.name}: recent changes",
            history.events[:RECENT],
            facts,
            site,
            history,
            CHANGES_PAGE,
            memo,
        )
    }
    for type_ in FEED_TYPES:
        for record in facts.of_type(type_):
            path = feed_path(type_, record.id)
            out[path] = write_feed(
                path,
                f"{site.name}: {record_name(record, facts)}",
                feed_events(history, facts, index, record.id),
                facts,
                site,
                history,
                f"{type_}/{record.id}.md",
                memo,
            )
    return out
