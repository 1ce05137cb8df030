"""Linked facts -> one typed view per page: what the page shows, and every record it read.

A view is built through a `Reader` over the facts. The reader notes each record looked at (also
one looked for and not found), each "which records refer to X" question and each "all records of
a type" question; the view keeps exactly the records read (`View.records`) and those questions
(`View.depends`). Templates and pictures see only the view, so what a page shows cannot come from
a record its view did not declare: a lookup outside `records` fails the build instead of going
stale later. The incremental build (`generator/incremental.py`) relies on this list being whole.

Which builder makes which page is an explicit table (`RECORD_VIEWS`, `INDEX_VIEWS`).
"""

from __future__ import annotations

import functools
import posixpath
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import crowds, feeds, history_view, ical, pictures
from .cite import Citation, citation
from .dates import sort_key
from .link import Backref, Facts, record_name
from .model import ACTOR_KINDS, TYPES, iter_refs
from .validate import TypedRecord

TYPE_TITLES = {
    "actors": "Actors",
    "places": "Places",
    "meetings": "Meetings",
    "positions": "Positions",
    "topics": "Topics",
    "sources": "Sources",
}
KIND_TITLES = {"person": "People", "organisation": "Organisations", "state": "States"}


def page_path(type_: str, id_: str) -> str:
    return f"{type_}/{id_}.md"


# ---------------------------------------------------------------------------------------------
# Indexes over the facts, computed once per build


@dataclass
class Index:
    """Who refers to whom, by relation: the lists several pages need, computed once per build."""

    facts: Facts
    meetings_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    positions_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    side_meetings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    meetings_at: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    places_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    positions_on: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    meetings_on: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    positions_at: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # large meetings (crowds.py): their attendees and principals, worked out once, not per page
    crowds: dict[str, tuple[frozenset[str], list[str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: Facts) -> Index:
        index = cls(facts)
        meetings = sorted(facts.of_type("meetings"), key=lambda r: (sort_key(r.data.date), r.id))
        for meeting in meetings:
            everyone = crowds.attendees(meeting.data)
            for actor in everyone:
                index.meetings_of[actor].append(meeting.id)
            if crowds.is_large(meeting.data):
                index.crowds[meeting.id] = (frozenset(everyone), crowds.principals(meeting.data))
            if meeting.data.part_of:
                index.side_meetings[meeting.data.part_of].append(meeting.id)
            if meeting.data.place:
                index.meetings_at[meeting.data.place].append(meeting.id)
            for topic in meeting.data.topics:
                index.meetings_on[topic].append(meeting.id)
        positions = sorted(facts.of_type("positions"), key=lambda r: (sort_key(r.data.date), r.id))
        for position in positions:
            for actor in dict.fromkeys(
                a for a in (position.data.holder, position.data.expressed_by) if a
            ):
                index.positions_of[actor].append(position.id)
            index.positions_on[position.data.topic].append(position.id)
            if position.data.expressed_at:
                index.positions_at[position.data.expressed_at].append(position.id)
        for topic in facts.of_type("topics"):
            if topic.data.parent:
                index.children[topic.data.parent].append(topic.id)
        for place in facts.of_type("places"):
            if place.data.located_in:
                index.places_in[place.data.located_in].append(place.id)
        return index


# ---------------------------------------------------------------------------------------------
# Reading the facts for one view, noting what was read


@dataclass(frozen=True)
class Dependencies:
    """What a page depends on: it is stale when one of these changed."""

    records: frozenset[str]  # ids whose content it shows (or whose absence it relies on)
    referrers: frozenset[str]  # ids whose referring records it lists (backlinks, meetings of …)
    types: frozenset[str]  # types whose whole list of records it shows


class Reader:
    """The facts as one view's builder sees them; every look is noted."""

    def __init__(self, index: Index):
        self.index = index
        self.facts = index.facts
        self.seen: dict[str, TypedRecord | None] = {}
        self.referrers: set[str] = set()
        self.types: set[str] = set()

    def get(self, id_: str | None) -> TypedRecord | None:
        """The record with this id, or None; a position's holder and topic come along (its name)."""
        if not id_:
            return None
        if id_ in self.seen:
            return self.seen[id_]
        record = self.facts.records.get(id_)
        self.seen[id_] = record
        if record is not None and record.type == "positions":
            self.get(record.data.holder)
            self.get(record.data.topic)
        return record

    def record(self, id_: str) -> TypedRecord:
        record = self.get(id_)
        if record is None:
            raise KeyError(id_)
        return record

    def data(self, id_: str) -> Any:
        return self.record(id_).data

    def name(self, id_: str) -> str:
        return record_name(self.record(id_), self.facts)

    def of_type(self, type_: str) -> list[TypedRecord]:
        self.types.add(type_)
        records = self.facts.of_type(type_)
        for record in records:
            self.get(record.id)
        return records

    def referring(self, relation: str, id_: str) -> list[str]:
        """The ids in one of the index's lists (`meetings_of`, `children`, …) for `id_`, read."""
        self.referrers.add(id_)
        ids = getattr(self.index, relation).get(id_, [])
        for other in ids:
            self.get(other)
        return ids

    def backrefs(self, id_: str) -> list[Backref]:
        self.referrers.add(id_)
        refs = self.facts.backrefs.get(id_, [])
        for backref in refs:
            self.get(backref.source)
        return refs

    def references(self, record: TypedRecord) -> None:
        """Read every record `record` names: references, [[id]] links, disputed values."""
        for _, target, _ in iter_refs(record.data):
            self.get(target)
        for target in sorted(self.facts.inline_links.get(record.id, ())):
            self.get(target)
        for disagreement in getattr(record.data, "disagreements", []):
            self.get(disagreement.value)

    def descendants(self, topic_id: str) -> list[str]:
        """The topic and every topic beneath it, depth first."""
        out, stack = [], [topic_id]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.append(current)
            stack.extend(reversed(self.referring("children", current)))
        return out

    def places_within(self, place_id: str) -> list[str]:
        out, stack = [], [place_id]
        while stack:
            current = stack.pop()
            if current not in out:
                out.append(current)
                stack.extend(self.referring("places_in", current))
        return out

    def met_at(self, meeting_id: str, actor_id: str) -> tuple[list[str], int]:
        """The other participants an actor's page names for a meeting, and how many it leaves
        out: everyone, or in a large meeting its principals (see crowds.py)."""
        crowd = self.index.crowds.get(meeting_id)
        if crowd is None:
            everyone = crowds.attendees(self.data(meeting_id))
            return [other for other in everyone if other != actor_id], 0
        self.get(meeting_id)
        everyone, heads = crowd
        named = crowds.named_with(heads, actor_id)
        return named, len(everyone) - (actor_id in everyone) - len(named)

    def counterparts(self, actor_id: str) -> list[tuple[str, list[str]]]:
        """Other participants the actor met, with the distinct meetings; most meetings first."""
        met: dict[str, list[str]] = defaultdict(list)
        for meeting_id in self.referring("meetings_of", actor_id):
            for other in self.met_at(meeting_id, actor_id)[0]:  # a large one: its principals
                self.get(other)
                if meeting_id not in met[other]:
                    met[other].append(meeting_id)
        return sorted(met.items(), key=lambda item: (-len(item[1]), item[0]))

    def timeline(self, meeting_ids: list[str], position_ids: list[str]) -> None:
        """Read what a timeline of these shows: the meetings positions were stated at, and the
        meetings each was on the sidelines of, up the chain."""
        todo = list(meeting_ids)
        for pid in position_ids:
            todo.append(self.data(pid).expressed_at)
        done: set[str] = set()
        while todo:
            mid = todo.pop()
            if not mid or mid in done:
                continue
            done.add(mid)
            record = self.get(mid)
            if record is not None and record.type == "meetings":
                todo.append(record.data.part_of)

    def finish(self) -> dict[str, Any]:
        """The fields every view carries: what was read."""
        return {"records": self.seen, "referrers": self.referrers, "types": self.types}


# ---------------------------------------------------------------------------------------------
# Views: one dataclass per page kind


class UnreadRecord(LookupError):
    """A template or picture looked at a record its view did not read (a bug in views.py)."""


@dataclass
class View:
    """What one page shows. `records` holds every record read to make it, and nothing else."""

    path: str  # the page: "actors/x.md", "meetings/index.md", "index.md"
    title: str
    records: Mapping[str, TypedRecord | None]
    referrers: set[str]
    types: set[str]

    @property
    def depends(self) -> Dependencies:
        """What the page depends on: the records read, the referrer lists and types it shows."""
        return Dependencies(
            frozenset(self.records), frozenset(self.referrers), frozenset(self.types)
        )

    def record(self, id_: str) -> TypedRecord:
        if id_ not in self.records:
            raise UnreadRecord(
                f"{self.path} shows record {id_!r}, which its view did not read: "
                f"read it in the view's builder (generator/views.py)"
            )
        record = self.records[id_]
        if record is None:
            raise KeyError(id_)
        return record

    def data(self, id_: str) -> Any:
        return self.record(id_).data

    def exists(self, id_: str | None) -> bool:
        if not id_:
            return False
        if id_ not in self.records:
            self.record(id_)  # raises UnreadRecord
        return self.records[id_] is not None

    def name(self, id_: str) -> str:
        record = self.record(id_)
        if record.type == "positions":
            data = record.data
            holder, topic = self.records[data.holder], self.records[data.topic]
            if holder and topic:
                return (
                    f"{record_name(holder)}: {data.stance.replace('-', ' ')} — {record_name(topic)}"
                )
        return record_name(record)

    def url(self, id_: str) -> str:
        """The relative link from this page to a record's page."""
        target = page_path(self.record(id_).type, id_)
        return feeds.relative(target, posixpath.dirname(self.path) or ".")


@dataclass(frozen=True)
class Site:
    """What pages show that is not a record: where to edit, when each file last changed."""

    edit_url: str | None = None
    updated: Mapping[str, str] = field(default_factory=dict)
    history: Any = None  # history.History from git, or None (not read)
    publication: Any = None  # feeds.Publication: the site's name and address
    # the content folder as the repository names it (history.repo_path): edit links and the
    # keys of `updated` are this joined with "<type>/<file>"
    content_path: str = "content"
    # links in raw HTML (the pictures) as `.md` paths, for an engine that resolves them as it
    # does Markdown links (Zensical); by default the pages' URLs (MkDocs leaves them as written)
    source_links: bool = False


def html_url(view: View, site: Site) -> Callable[[str], str]:
    """How a page links a record from raw HTML (the pictures): MkDocs turns Markdown links to
    `x.md` into page URLs but leaves raw HTML as written, so there the link is already the
    target's URL relative to this page's (directory URLs or not, as the site is published)."""
    if site.source_links:
        return view.url
    directory_urls = (site.publication or feeds.Publication()).directory_urls

    def url(id_: str) -> str:
        return _page_url(page_path(view.record(id_).type, id_), view.path, directory_urls)

    return url


@functools.lru_cache(maxsize=1 << 16)
def _page_url(target: str, here: str, directory_urls: bool) -> str:
    """feeds.Publication.relative_url, remembered (as `feeds.relative`: a picture links many pages)."""
    return feeds.Publication(directory_urls=directory_urls).relative_url(target, here)


def source_file(site: Site, record: TypedRecord) -> str:
    """A record's YAML file as the repository names it: what edit links and git dates use."""
    return posixpath.normpath(
        posixpath.join(site.content_path, record.type, Path(record.path).name)
    )


@dataclass
class RecordView(View):
    record_id: str
    edit_link: str | None
    source_file: str
    updated: str | None
    mentioned_in: list[str]  # ids of records naming this one, sorted
    history: history_view.RecordHistory  # its changes from git, newest first
    follow: dict[str, str | None] | None  # actors and topics: the feed (and calendar) to follow
    citation: Citation  # "Cite this page"

    @property
    def this(self) -> TypedRecord:
        return self.record(self.record_id)


@dataclass
class MeetingRow:
    id: str
    data: Any
    others: list[str]  # the other participants named (in a large meeting, its principals)
    more: int = 0  # the other participants not named (see the meeting's page)


@dataclass
class ActorView(RecordView):
    posts: list[Any]
    members: list[dict[str, Any]]
    meetings: list[MeetingRow]
    counterparts: list[tuple[str, list[str]]]
    positions_by_topic: list[tuple[str, list[str]]]
    meeting_ids: list[str]
    position_ids: list[str]
    graph: pictures.Picture | None = None
    timeline: pictures.Picture | None = None


@dataclass
class MeetingView(RecordView):
    side_meetings: list[str]
    positions: list[str]


@dataclass
class PositionView(RecordView):
    others: list[str]


@dataclass
class TopicView(RecordView):
    subtopics: list[str]
    stands: list[str]
    chronology: list[dict[str, Any]]
    timeline: pictures.Picture | None = None


@dataclass
class PlaceView(RecordView):
    within: list[str]
    meetings: list[str]


@dataclass
class SourceView(RecordView):
    citing: list[tuple[str, list[str]]]


def _record_fields(reader: Reader, record: TypedRecord, site: Site) -> dict[str, Any]:
    reader.get(record.id)
    reader.references(record)
    path_in_repo = source_file(site, record)
    mentioned: list[str] = []
    if record.type != "sources":
        mentioned = sorted({b.source for b in reader.backrefs(record.id)})
    history = history_view.record_history_view(site.history, reader.facts, record.id)
    for entry in history.entries:
        for other in entry.records():
            reader.get(other)
    path = page_path(record.type, record.id)
    follow = None
    if record.type in feeds.FEED_TYPES:
        start = posixpath.dirname(path)
        follow = {
            "path": feeds.feed_path(record.type, record.id),
            "feed": feeds.relative(feeds.feed_path(record.type, record.id), start),
            "calendar": None,
        }
        if record.type == "actors":
            reader.referring("meetings_of", record.id)  # a calendar when one is dated to the day
            if ical.has_calendar(reader.facts, reader.index, record.id):
                follow["calendar"] = feeds.relative(ical.calendar_path(record.id), start)
    return {
        "path": page_path(record.type, record.id),
        "title": reader.name(record.id),
        "record_id": record.id,
        "edit_link": site.edit_url.replace("{path}", path_in_repo) if site.edit_url else None,
        "source_file": path_in_repo,
        "updated": site.updated.get(path_in_repo),
        "mentioned_in": mentioned,
        "history": history,
        "follow": follow,
        "citation": citation(
            record.type,
            record.id,
            reader.name(record.id),
            site=site.publication or feeds.Publication(),
            updated=site.updated.get(path_in_repo),
        ),
    }


def actor_view(reader: Reader, record: TypedRecord, site: Site) -> ActorView:
    common = _record_fields(reader, record, site)
    meeting_ids = reader.referring("meetings_of", record.id)
    meetings = []
    for mid in meeting_ids:
        data = reader.data(mid)
        others, more = reader.met_at(mid, record.id)
        for other in others:
            reader.get(other)
        reader.get(data.place)
        meetings.append(MeetingRow(mid, data, others, more))
    position_ids = reader.referring("positions_of", record.id)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for pid in position_ids:
        data = reader.data(pid)
        by_topic[data.topic].append(pid)
        reader.get(data.expressed_by)
    members = []
    for backref in reader.backrefs(record.id):
        member = reader.record(backref.source)
        if (
            member.type == "actors"
            and backref.path[0] == "posts"
            and backref.path[-1] == "organisation"
        ):
            post = member.data.posts[backref.path[1]]
            members.append({"actor": member.id, "title": post.title, "attested": post.attested})
    counterparts = reader.counterparts(record.id)
    reader.timeline(meeting_ids, position_ids)
    view = ActorView(
        **common,
        **reader.finish(),
        posts=sorted(record.data.posts, key=lambda p: sort_key(p.start or p.attested)),
        members=sorted(members, key=lambda m: (m["title"], m["actor"])),
        meetings=meetings,
        counterparts=counterparts,
        positions_by_topic=sorted(by_topic.items(), key=lambda item: reader.name(item[0])),
        meeting_ids=meeting_ids,
        position_ids=position_ids,
    )
    url = html_url(view, site)
    view.graph = pictures.who_met_whom(view, url)
    view.timeline = pictures.timeline(view, url, meeting_ids, position_ids, view.title)
    return view


def meeting_view(reader: Reader, record: TypedRecord, site: Site) -> MeetingView:
    common = _record_fields(reader, record, site)
    side = reader.referring("side_meetings", record.id)
    positions = reader.referring("positions_at", record.id)
    return MeetingView(**common, **reader.finish(), side_meetings=side, positions=positions)


def position_view(reader: Reader, record: TypedRecord, site: Site) -> PositionView:
    common = _record_fields(reader, record, site)
    topic = record.data.topic
    family = reader.descendants(topic)
    parent = reader.data(topic).parent
    if parent:
        family += [parent]
    others = [
        pid for t in family for pid in reader.referring("positions_on", t) if pid != record.id
    ]
    ordered = sorted(dict.fromkeys(others), key=lambda pid: (sort_key(reader.data(pid).date), pid))
    return PositionView(**common, **reader.finish(), others=ordered)


def topic_view(reader: Reader, record: TypedRecord, site: Site) -> TopicView:
    common = _record_fields(reader, record, site)
    family = reader.descendants(record.id)
    stands = [pid for t in family for pid in reader.referring("positions_on", t)]
    stands = sorted(
        dict.fromkeys(stands),
        key=lambda pid: (
            reader.name(reader.data(pid).holder),
            sort_key(reader.data(pid).date),
            pid,
        ),
    )
    chronology = []
    for pid in stands:
        chronology.append(
            {"date": reader.data(pid).date, "end": None, "what": "Position", "id": pid}
        )
    for t in family:
        for mid in reader.referring("meetings_on", t):
            data = reader.data(mid)
            chronology.append(
                {"date": data.date, "end": data.end_date, "what": "Meeting", "id": mid}
            )
    unique = {(c["what"], c["id"]): c for c in chronology}.values()
    ids = {w: [c["id"] for c in unique if c["what"] == w] for w in ("Meeting", "Position")}
    reader.timeline(ids["Meeting"], ids["Position"])
    view = TopicView(
        **common,
        **reader.finish(),
        subtopics=reader.referring("children", record.id),
        stands=stands,
        chronology=sorted(unique, key=lambda c: (sort_key(c["date"]), c["what"], c["id"])),
    )
    url = html_url(view, site)
    view.timeline = pictures.timeline(view, url, ids["Meeting"], ids["Position"], view.title)
    return view


def place_view(reader: Reader, record: TypedRecord, site: Site) -> PlaceView:
    common = _record_fields(reader, record, site)
    within = reader.places_within(record.id)
    meetings = [mid for place in within for mid in reader.referring("meetings_at", place)]
    for mid in meetings:
        reader.get(reader.data(mid).place)
    return PlaceView(
        **common,
        **reader.finish(),
        within=reader.referring("places_in", record.id),
        meetings=sorted(
            dict.fromkeys(meetings), key=lambda mid: (sort_key(reader.data(mid).date), mid)
        ),
    )


def source_view(reader: Reader, record: TypedRecord, site: Site) -> SourceView:
    common = _record_fields(reader, record, site)
    citing: dict[str, list[str]] = defaultdict(list)
    for backref in reader.backrefs(record.id):
        if "cite" in backref.path:
            citing[reader.record(backref.source).type].append(backref.source)
    return SourceView(
        **common,
        **reader.finish(),
        citing=[(TYPE_TITLES[t], sorted(set(citing[t]))) for t in TYPES if citing.get(t)],
    )


RECORD_VIEWS: dict[str, Callable[[Reader, TypedRecord, Site], RecordView]] = {
    "actors": actor_view,
    "places": place_view,
    "meetings": meeting_view,
    "positions": position_view,
    "topics": topic_view,
    "sources": source_view,
}


# ---------------------------------------------------------------------------------------------
# Index pages and the home page


@dataclass
class IndexView(View):
    type: str
    items: list[TypedRecord]  # every record of the type, by id


@dataclass
class ActorsIndex(IndexView):
    by_kind: list[tuple[str, list[tuple[str, list[str]]]]]
    kind_titles: dict[str, str]


@dataclass
class MeetingsIndex(IndexView):
    by_year: list[tuple[str, list[tuple[str, int]]]]
    timeline: pictures.Picture | None = None
    network: pictures.Picture | None = None


@dataclass
class PositionsIndex(IndexView):
    by_topic: list[tuple[str, list[str]]]


@dataclass
class TopicsIndex(IndexView):
    tree: list[tuple[str, int]]


@dataclass
class PlacesIndex(IndexView):
    tree: list[tuple[str, int]]
    meetings_count: dict[str, int]


@dataclass
class SourcesIndex(IndexView):
    cited_count: dict[str, int]


@dataclass
class HomeView(View):
    counts: dict[str, int]
    latest: list[TypedRecord]


@dataclass
class ChangesView(View):
    """The recent-changes page: the latest changes across the site, by day."""

    history: Any  # history.History (available, reason)
    days: list[tuple[str, str, list[history_view.Entry]]]
    limit: int


def changes_view(index: Index, site: Site) -> ChangesView:
    reader = Reader(index)
    history = site.history
    days = []
    if history is not None and history.available:
        days = history_view.recent_days(history, index.facts)
    for _, _, entries in days:
        for entry in entries:
            for other in entry.records():
                reader.get(other)
    if history is None:
        history = history_view.no_history()
    # A change to any record is a new entry here (its commit): the page depends on every type.
    reader.types.update(TYPES)
    return ChangesView(
        path=feeds.CHANGES_PAGE,
        title="Recent changes",
        **reader.finish(),
        history=history,
        days=days,
        limit=history_view.RECENT,
    )


def _tree(reader: Reader, roots: list[str], relation: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    name = lambda i: reader.name(i).lower()  # noqa: E731

    def walk(node: str, depth: int) -> None:
        out.append((node, depth))
        for child in sorted(reader.referring(relation, node), key=name):
            walk(child, depth + 1)

    for root in sorted(roots, key=name):
        walk(root, 0)
    return out


def _index_fields(reader: Reader, type_: str) -> dict[str, Any]:
    return {
        "path": f"{type_}/index.md",
        "title": TYPE_TITLES[type_],
        "type": type_,
        "items": reader.of_type(type_),
    }


def actors_index(reader: Reader, site: Site) -> ActorsIndex:
    common = _index_fields(reader, "actors")
    by_kind = []
    for kind in ACTOR_KINDS:
        groups: dict[str, list[str]] = defaultdict(list)
        for record in common["items"]:
            if record.data.kind == kind:
                groups[record.data.country or ""].append(record.id)
        if groups:
            ordered = sorted(
                groups.items(),
                key=lambda g: (g[0] == "", reader.name(g[0]) if reader.get(g[0]) else g[0]),
            )
            by_kind.append(
                (kind, [(c, sorted(ids, key=lambda i: reader.name(i))) for c, ids in ordered])
            )
    return ActorsIndex(**common, **reader.finish(), by_kind=by_kind, kind_titles=KIND_TITLES)


def meetings_index(reader: Reader, site: Site) -> MeetingsIndex:
    common = _index_fields(reader, "meetings")
    top = [r for r in common["items"] if not r.data.part_of or not reader.get(r.data.part_of)]
    by_year: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for record in sorted(top, key=lambda r: (sort_key(r.data.date), r.id), reverse=True):
        for mid, depth in _tree(reader, [record.id], "side_meetings"):
            by_year[record.data.date[:4]].append((mid, depth))
    for record in common["items"]:
        reader.get(record.data.place)
    reader.of_type("actors")  # the network of people
    view = MeetingsIndex(**common, **reader.finish(), by_year=sorted(by_year.items(), reverse=True))
    url = html_url(view, site)
    view.timeline = pictures.meetings_by_month(view, url, set(by_year))
    view.network = pictures.people_network(view, url)
    return view


def positions_index(reader: Reader, site: Site) -> PositionsIndex:
    common = _index_fields(reader, "positions")
    by_topic: dict[str, list[str]] = defaultdict(list)
    for record in common["items"]:
        by_topic[record.data.topic].append(record.id)
        reader.get(record.data.expressed_by)
    roots = [r.id for r in reader.of_type("topics") if not r.data.parent]
    order = [t for t, _ in _tree(reader, roots, "children")]
    return PositionsIndex(
        **common,
        **reader.finish(),
        by_topic=[
            (t, sorted(by_topic[t], key=lambda i: (reader.name(reader.data(i).holder), i)))
            for t in order
            if t in by_topic
        ],
    )


def topics_index(reader: Reader, site: Site) -> TopicsIndex:
    common = _index_fields(reader, "topics")
    roots = [r.id for r in common["items"] if not r.data.parent]
    return TopicsIndex(**common, **reader.finish(), tree=_tree(reader, roots, "children"))


def places_index(reader: Reader, site: Site) -> PlacesIndex:
    common = _index_fields(reader, "places")
    roots = [r.id for r in common["items"] if not r.data.located_in]
    tree = _tree(reader, roots, "places_in")
    counts = {r.id: len(reader.referring("meetings_at", r.id)) for r in common["items"]}
    return PlacesIndex(**common, **reader.finish(), tree=tree, meetings_count=counts)


def sources_index(reader: Reader, site: Site) -> SourcesIndex:
    common = _index_fields(reader, "sources")
    cited = {
        r.id: len({b.source for b in reader.backrefs(r.id) if "cite" in b.path})
        for r in common["items"]
    }
    return SourcesIndex(**common, **reader.finish(), cited_count=cited)


INDEX_VIEWS: dict[str, Callable[[Reader, Site], IndexView]] = {
    "actors": actors_index,
    "places": places_index,
    "meetings": meetings_index,
    "positions": positions_index,
    "topics": topics_index,
    "sources": sources_index,
}


def home_view(index: Index) -> HomeView:
    reader = Reader(index)
    counts = {t: len(reader.of_type(t)) for t in TYPES}
    latest = sorted(
        reader.of_type("meetings"), key=lambda r: (sort_key(r.data.date), r.id), reverse=True
    )[:8]
    return HomeView(
        path="index.md",
        title="Diplomacy fact sheets",
        **reader.finish(),
        counts=counts,
        latest=latest,
    )


# ---------------------------------------------------------------------------------------------
# The views of a site


def record_view(index: Index, record: TypedRecord, site: Site | None = None) -> RecordView:
    return RECORD_VIEWS[record.type](Reader(index), record, site or Site())


def index_view(index: Index, type_: str, site: Site | None = None) -> IndexView:
    return INDEX_VIEWS[type_](Reader(index), site or Site())


def page_paths(facts: Facts) -> list[str]:
    """Every page of the site, in the order it is built: home, then each type's index and records."""
    paths = ["index.md", feeds.CHANGES_PAGE]
    for type_ in TYPES:
        paths.append(f"{type_}/index.md")
        paths += [page_path(type_, r.id) for r in facts.of_type(type_)]
    return paths


def view_of(index: Index, path: str, site: Site | None = None) -> View:
    """The view of one page, by its path."""
    if path == "index.md":
        return home_view(index)
    if path == feeds.CHANGES_PAGE:
        return changes_view(index, site or Site())
    type_, name = path.split("/")
    if name == "index.md":
        return index_view(index, type_, site)
    return record_view(index, index.facts.records[name.removesuffix(".md")], site)
