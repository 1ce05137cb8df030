"""The reader's wording of the history: events from `history.py` as lines a reader understands.

`factsheet changes` words a change for a reviewer (`participants`: added `andrey-belousov`); a
reader of the site gets the same change, matched the same way (`changes.FieldChange`), in words:
"participant added: Andrey Belousov", "date: 25 June 2025 → 26 June 2025". A line is a tuple of
parts (plain text, an id or raw value shown as code, a record shown by its name) so that each
output escapes it its own way: Markdown for the pages, plain text for the feeds.

This module also decides which events each page and feed shows: a record's own history (through
its former ids), the latest changes across the site, and what involves an actor or a topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .changes import _MISSING, FieldChange, _code, code_html
from .dates import human_date
from .history import Event, History
from .link import Facts, record_name
from .words import plural

RECENT = 100  # the recent-changes page and the site feed: the latest this many events
FEED_ENTRIES = 100  # a record's feed: its latest this many events
DATE_FIELDS = {"date", "end_date", "start", "end", "attested", "published", "retrieved"}
SINGULAR = {
    "participants": "participant",
    "posts": "post",
    "quotes": "quote",
    "disagreements": "disagreement",
    "cite": "source",
    "topics": "topic",
    "aliases": "alias",
    "outcomes": "outcome",
    "former_ids": "former id",
    "native_names": "native name",
}
KIND_WORDS = {
    "added": "first published",
    "changed": "changed",
    "renamed": "renamed",
    "removed": "removed",
}


@dataclass(frozen=True)
class Part:
    text: str
    kind: str = "text"  # "text"; "code" (an id or a value as written); "record" (text is an id)


Line = tuple[Part, ...]


_human_date = human_date


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _value(name: str, value: Any, facts: Facts) -> Line:
    """A field's value as a reader reads it: a date in words, a record by its name."""
    if isinstance(value, str):
        if name in DATE_FIELDS:
            try:
                return (Part(_human_date(value)),)
            except ValueError:
                return (Part(value, "code"),)
        if value in facts.records:
            return (Part(value, "record"),)
        return (Part(_short(value)),)
    if value is None:
        return (Part("(empty)"),)
    return (Part(_short(json.dumps(value, ensure_ascii=False)), "code"),)


def _label(name: str) -> str:
    return name.replace("_", " ")


def _entry(key: str, entry: dict, facts: Facts) -> Line:
    """A list entry by what it is: a participant by name, a post by title and organisation."""
    if key == "participants":
        return _value("actor", entry.get("actor"), facts)
    if key == "posts":
        return (
            *_value("title", entry.get("title"), facts),
            Part(", "),
            *_value("organisation", entry.get("organisation"), facts),
        )
    if key == "quotes":
        text = entry.get("text")
        return (
            Part(f"“{_short(text, 60) if isinstance(text, str) else '?'}” by "),
            *_value("by", entry.get("by"), facts),
        )
    name = entry.get("field")
    name = name if isinstance(name, str) else "?"
    return (Part(f"{_label(name)}: "), *_value(name.split(".")[-1], entry.get("value"), facts))


def _join(lines: list[Line], separator: str = ", ") -> Line:
    out: list[Part] = []
    for index, line in enumerate(lines):
        if index:
            out.append(Part(separator))
        out += line
    return tuple(out)


def describe(change: FieldChange, facts: Facts) -> Line:
    """One changed fact in words: "date: 25 June 2025 → 26 June 2025"."""
    if change.moved:
        return (Part(f"moved from {change.moved[0]} to {change.moved[1]}"),)
    if change.entry:
        word = SINGULAR.get(change.entry, _label(change.entry))
        if change.new is not _MISSING:
            return (Part(f"{word} added: "), *_entry(change.entry, change.new, facts))
        return (Part(f"{word} removed: "), *_entry(change.entry, change.old, facts))
    name = change.path.rsplit(".", 1)[-1].split("[", 1)[0]
    label: Line = (Part(_label(change.path)),)
    if change.within:
        key, entry = change.within
        sub = change.path.rsplit("].", 1)[-1]
        name = sub.split(".")[-1]
        word = SINGULAR.get(key, _label(key))
        label = (Part(f"{_label(sub)} of {word} "), *_entry(key, entry, facts))
    if change.added or change.removed:
        word = SINGULAR.get(change.top_field, _label(change.top_field))
        parts: list[Line] = []
        if change.added:
            values = [_value(name, v, facts) for v in change.added]
            parts.append((Part(f"{word} added: "), *_join(values)))
        if change.removed:
            values = [_value(name, v, facts) for v in change.removed]
            parts.append((Part(f"{word} removed: "), *_join(values)))
        return _join(parts, "; ")
    if change.old is _MISSING:
        return (*label, Part(" added: "), *_value(name, change.new, facts))
    if change.new is _MISSING:
        return (*label, Part(" removed (was "), *_value(name, change.old, facts), Part(")"))
    return (
        *label,
        Part(": "),
        *_value(name, change.old, facts),
        Part(" → "),
        *_value(name, change.new, facts),
    )


def event_lines(event: Event, facts: Facts) -> list[Line]:
    """What an event did, in words: "first published", "renamed from `old-id`", each change."""
    lines: list[Line] = []
    if event.kind == "added":
        lines.append((Part("first published"),))
    elif event.kind == "removed":
        lines.append((Part("removed"),))
    elif event.kind == "renamed":
        lines.append((Part("renamed from "), Part(event.former or "?", "code")))
    lines += [describe(change, facts) for change in event.changes]
    return lines


def as_text(line: Line, facts: Facts) -> str:
    """A line as plain text (feeds): a record by its current name, else its id."""
    out = []
    for part in line:
        if part.kind == "record" and part.text in facts.records:
            out.append(record_name(facts.records[part.text], facts))
        else:
            out.append(part.text)
    return "".join(out)


def current_id(event: Event, facts: Facts) -> str | None:
    """The id the event's record has now (a renamed record under its new id), or None if gone."""
    if event.id in facts.records and facts.records[event.id].type == event.type:
        return event.id
    new = facts.renamed.get(event.id)
    return new if new in facts.records else None


def event_title(event: Event, facts: Facts) -> str:
    now = current_id(event, facts)
    if now is not None:
        return record_name(facts.records[now], facts)
    return event.title or event.id


# ---------------------------------------------------------------------------------------------
# Which events each page and feed shows


def record_history(history: History, facts: Facts, record_id: str) -> list[Event]:
    """The record's own events, newest first, through every id it had before."""
    record: Any = facts.records[record_id]
    return history.of(record_id, list(getattr(record.data, "former_ids", []) or []))


def _ids(facts: Facts, record_id: str) -> list[str]:
    record: Any = facts.records[record_id]
    return [record_id, *(getattr(record.data, "former_ids", []) or [])]


def descendants(index: Any, topic_id: str) -> list[str]:
    """The topic and every topic beneath it, depth first (`index`: views.Index)."""
    out, stack = [], [topic_id]
    while stack:
        current = stack.pop()
        if current not in out:
            out.append(current)
            stack.extend(reversed(index.children.get(current, [])))
    return out


def feed_events(history: History, facts: Facts, index: Any, record_id: str) -> list[Event]:
    """A follow feed, newest first (git's order), at most FEED_ENTRIES: the record's own events and
    those of every record version that named it (a meeting it took part in, a position it holds
    or that is about it); for a topic, the same for each topic beneath it too."""
    family = [record_id]
    if facts.records[record_id].type == "topics":
        family = descendants(index, record_id)
    wanted: dict[int, Event] = {}
    for topic in family:
        ids = _ids(facts, topic)
        wanted.update((e.order, e) for e in history.of(ids[0], ids[1:]))
        for other in ids:
            wanted.update((e.order, e) for e in history.involving.get(other, []))
    return [wanted[order] for order in sorted(wanted)][:FEED_ENTRIES]


def by_day(events: list[Event]) -> list[tuple[str, list[Event]]]:
    """Events grouped by their commit day, newest day first (events come newest first)."""
    days: dict[str, list[Event]] = {}
    for event in events:
        days.setdefault(event.commit.day, []).append(event)
    return list(days.items())


# ---------------------------------------------------------------------------------------------
# What the pages show (views.py puts these in the views; templates print them through `line`)


def as_markdown(line: Line, page: Any) -> str:
    """A line as Markdown on a page: text escaped, ids as code, records as links (as HTML
    inside a `page.html()` block)."""
    out = []
    for part in line:
        if part.kind == "record" and page.view.exists(part.text):
            out.append(page.link(part.text))
        elif part.kind in ("record", "code"):
            out.append(code_html(part.text) if page.in_html else _code(part.text))
        else:  # page.text trims; the spaces between parts are part of the sentence
            lead = " " if part.text[:1].isspace() else ""
            trail = " " if part.text[-1:].isspace() and part.text.strip() else ""
            out.append(lead + page.text(part.text) + trail)
    return "".join(out)


@dataclass
class Entry:
    """One event as a page shows it."""

    day: str  # YYYY-MM-DD, the commit's day
    when: str  # the day in words
    subject: str  # the commit's subject, as written
    record: str | None  # the record's id now (None: gone)
    title: str  # its name now, or as it was when it went
    lines: list[Line]

    def records(self) -> list[str]:
        """Every record the entry names: the view's builder reads them."""
        named = [p.text for line in self.lines for p in line if p.kind == "record"]
        return ([self.record] if self.record else []) + named


def entries(events: list[Event], facts: Facts) -> list[Entry]:
    return [
        Entry(
            event.commit.day,
            _human_date(event.commit.day),
            event.commit.subject,
            current_id(event, facts),
            event_title(event, facts),
            event_lines(event, facts),
        )
        for event in events
    ]


@dataclass
class RecordHistory:
    """The History section of a record page."""

    available: bool
    reason: str
    summary: str  # "3 changes · first published 20 June 2025"
    entries: list[Entry]


def no_history() -> History:
    return History(False, "no git history was read")


def record_history_view(history: History | None, facts: Facts, record_id: str) -> RecordHistory:
    if history is None or not history.available:
        reason = history.reason if history is not None else "no git history was read"
        return RecordHistory(False, reason, "", [])
    events = record_history(history, facts, record_id)
    first = next((e for e in reversed(events) if e.kind == "added"), None)
    count = len(events)
    summary = plural(count, "change") if count else "not in git yet"
    if first is not None:
        summary += f" · first published {_human_date(first.commit.day)}"
    return RecordHistory(True, "", summary, entries(events, facts))


def recent_days(history: History, facts: Facts) -> list[tuple[str, str, list[Entry]]]:
    """The recent-changes page: the latest RECENT events as (day, day in words, entries)."""
    return [
        (day, _human_date(day), entries(events, facts))
        for day, events in by_day(history.events[:RECENT])
    ]
