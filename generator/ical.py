"""iCalendar files (RFC 5545) of the meetings: all of them, and one per actor who took part.

`feeds/meetings.ics` and `feeds/actors/<id>.ics`, written with the `icalendar` library. A meeting
dated to the day is an all-day event from its date to its end date (DTEND is the day after, as
RFC 5545 counts it). A meeting known only to the month or the year has no day to pin it to: it is
left out, never put on the 1st, and the calendar's description says how many were left out.

Reproducible: DTSTAMP is the commit date of the meeting's latest change (without history:
SOURCE_DATE_EPOCH), UIDs are the record ids, events come in date order.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from typing import Any

import icalendar

from . import crowds
from .feeds import Publication, Serialised, fallback_date
from .history import History
from .history_view import record_history
from .link import Facts, record_name
from .model import parse_date
from .words import plural

ALL_MEETINGS = "feeds/meetings.ics"
UID_DOMAIN = "factsheets"


def calendar_path(actor_id: str) -> str:
    return f"feeds/actors/{actor_id}.ics"


def day_span(date: str | None, end: str | None) -> tuple[dt.date, dt.date] | None:
    """(first day, day after the last) for a meeting dated to the day, else None."""
    if not date:
        return None
    start = parse_date(date)
    if start.precision != "day":
        return None
    last = start.first
    if end:
        until = parse_date(end)
        if until.precision != "day":
            return None
        last = max(last, until.first)
    return start.first, last + dt.timedelta(days=1)


def _stamp(facts: Facts, history: History, meeting_id: str) -> dt.datetime:
    events = record_history(history, facts, meeting_id) if history.available else []
    text = events[0].commit.date if events else fallback_date()
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _event(
    facts: Facts,
    history: History,
    site: Publication,
    path: str,
    record: Any,
    said: dict[str, str],
    memo: Serialised,
) -> bytes:
    """The meeting's VEVENT, as bytes."""
    data = record.data
    first, after = day_span(data.date, data.end_date)  # type: ignore[misc]
    url = site.link(f"meetings/{record.id}.md", path)
    if record.id not in said:  # the same words in every calendar the meeting is in
        said[record.id] = _participants(facts, data) if data.participants else ""
    lines = [said[record.id]] if said[record.id] else []
    lines += [f"Status: {data.status}", f"Page: {url}"]
    event = (
        f"{record.id}@{UID_DOMAIN}",
        _stamp(facts, history, record.id),
        first,
        after,
        record_name(record, facts),
        record_name(facts.records[data.place], facts) if data.place else None,
        "\n".join(lines),
        url,
        data.status,
    )
    return memo.get(("vevent", *event), lambda: _vevent(*event))


def _vevent(uid, stamp, first, after, summary, location, description, url, status) -> bytes:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    event.add("dtend", after)
    event.add("summary", summary)
    if location is not None:
        event.add("location", location)
    event.add("description", description)
    event.add("url", url)
    event.add("status", "TENTATIVE" if status in ("reported", "disputed") else "CONFIRMED")
    if status == "retracted":
        event["status"] = icalendar.vText("CANCELLED")
    return event.to_ical()


def _participants(facts: Facts, data: Any) -> str:
    """The description's participants line; a large meeting names its principals and counts the
    rest (crowds.py), so a calendar grows with its meetings, not with their sizes squared."""
    shown = data.participants
    if crowds.is_large(data):
        heads = set(crowds.principals(data)[: crowds.SHOWN_PRINCIPALS])
        shown = [p for p in data.participants if p.actor in heads]
    names = []
    for participant in shown:
        name = record_name(facts.records[participant.actor], facts)
        names.append(f"{name} ({participant.role})" if participant.role else name)
    line = f"Participants: {', '.join(dict.fromkeys(names))}"
    others = len(crowds.attendees(data)) - len({p.actor for p in shown})
    if others:
        line += f"{' and ' if names else ''}{plural(others, 'other')} (see the page)"
    return line


def write_calendar(
    facts: Facts,
    history: History,
    site: Publication,
    path: str,
    name: str,
    meeting_ids: list[str],
    said: dict[str, str],
    memo: Serialised,
) -> bytes:
    dated, undated = [], 0
    for meeting_id in meeting_ids:
        record = facts.records[meeting_id]
        if day_span(record.data.date, record.data.end_date) is None:
            undated += 1
        else:
            dated.append(record)
    description = f"{plural(len(dated), 'meeting')} dated to the day."
    if undated:
        description += (
            f" {plural(undated, 'meeting')} {'is' if undated == 1 else 'are'} known only to the month or "
            "the year and left out (see the site)."
        )
    dated.sort(key=lambda r: (day_span(r.data.date, r.data.end_date), r.id))
    # Each event is serialised once per folder of calendars (its URL is relative to the folder)
    # and spliced in: a meeting is in the calendar of every participant, and icalendar's line
    # folding of each event's text was most of the time of the calendars at 10,000 records.
    # A calendar is its own lines, then its components' lines, then END:VCALENDAR (RFC 5545
    # 3.4; icalendar's Component.content_lines), so the bytes are those of add_component.
    # Kept across incremental builds too (`Serialised.entry`): an event reads its meeting and
    # the names of its place and participants, so it is made again only when one is touched.
    folder = posixpath.dirname(path)
    parts = [
        memo.entry(
            ("vevent", record.id, folder, site),
            lambda r=record: (_event(facts, history, site, path, r, said, memo), _reads(r)),
        )
        for record in dated
    ]
    head = memo.get(
        ("vcalendar", site.name, name, description), lambda: _head(site, name, description)
    )
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return head[: -len(end)] + b"".join(parts) + end


def _reads(record: Any) -> frozenset[str]:
    """The records a meeting's VEVENT reads: the meeting, its place and its participants."""
    data = record.data
    return frozenset({record.id, *([data.place] if data.place else []), *crowds.attendees(data)})


def _head(site: Publication, name: str, description: str) -> bytes:
    """The calendar without its events (kept by its input, as the events are)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{UID_DOMAIN}//{site.name}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    return calendar.to_ical()


def render_calendars(
    facts: Facts, index: Any, history: History, site: Publication, memo: Serialised | None = None
) -> dict[str, bytes]:
    """All meetings, and one calendar per actor with a meeting dated to the day."""
    meetings = [r.id for r in facts.of_type("meetings")]
    said: dict[str, str] = {}  # meeting id -> its participants line
    memo = memo or Serialised()
    out = {
        ALL_MEETINGS: write_calendar(
            facts, history, site, ALL_MEETINGS, f"{site.name}: meetings", meetings, said, memo
        )
    }
    for actor in facts.of_type("actors"):
        own = index.meetings_of.get(actor.id, [])
        if not has_calendar(facts, index, actor.id):
            continue
        path = calendar_path(actor.id)
        out[path] = write_calendar(
            facts,
            history,
            site,
            path,
            f"{site.name}: {record_name(actor, facts)}",
            own,
            said,
            memo,
        )
    return out


def has_calendar(facts: Facts, index: Any, actor_id: str) -> bool:
    return any(
        day_span(facts.records[m].data.date, facts.records[m].data.end_date)
        for m in index.meetings_of.get(actor_id, [])
    )
