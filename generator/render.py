"""Linked facts -> Markdown pages through templates/*.md.j2, plus the data files the site publishes.

Python computes what each page shows (view models); the templates only lay it out. Every text an
editor wrote passes through `Page.text` (plain text) or `Page.md` (Markdown field) which escape raw
HTML, so nothing an editor writes is ever executed, whatever engine builds the Markdown.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import pictures
from .export import json_schemas, to_csv, to_json
from .link import INLINE_LINK, MD_LINK_DEST, Facts, record_name, unsafe_link
from .model import (
    ACTOR_KINDS,
    MEETING_KINDS,
    PARTICIPANT_ROLES,
    SOURCE_KINDS,
    STANCES,
    STATUSES,
    TYPES,
    parse_date,
)
from .validate import TypedRecord

TYPE_TITLES = {
    "actors": "Actors",
    "places": "Places",
    "meetings": "Meetings",
    "positions": "Positions",
    "topics": "Topics",
    "sources": "Sources",
}
SEARCH_BOOST = {
    "actors": 3,
    "topics": 2.5,
    "places": 2.5,
    "meetings": 2,
    "positions": 1.2,
    "sources": 0.5,
}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~^$])")


# ---------------------------------------------------------------------------------------------
# Text helpers


def escape_text(value: Any) -> str:
    """Plain text -> Markdown that shows exactly that text (no HTML, no Markdown syntax)."""
    text = " ".join(str(value).split())
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if text[:1] in "-=>":  # would start a list, a setext underline or a quote at a line start
        text = "\\" + text
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def fold(text: str) -> str:
    """Drop diacritics: 'communiqué' -> 'communique' (search should find both)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def stance_label(stance: str) -> str:
    """'refused-to-endorse' -> 'refused to endorse': the vocabulary term as a reader reads it."""
    return stance.replace("-", " ")


def human_date(text: str | None) -> str:
    """'2025-06-26' -> '26 June 2025'; '2025-06' -> 'June 2025'; '2025' -> '2025'."""
    if not text:
        return ""
    interval = parse_date(text)
    if interval.precision == "year":
        return text
    if interval.precision == "month":
        return interval.first.strftime("%B %Y")
    return f"{interval.first.day} {interval.first.strftime('%B %Y')}"


def date_range(start: str | None, end: str | None) -> str:
    if not start:
        return "date unknown"
    if not end or end == start:
        return human_date(start)
    a, b = parse_date(start), parse_date(end)
    if a.precision == b.precision == "day" and (a.first.year, a.first.month) == (
        b.first.year,
        b.first.month,
    ):
        return f"{a.first.day}–{b.first.day} {b.first.strftime('%B %Y')}"
    return f"{human_date(start)} – {human_date(end)}"


def sort_key(date: str | None) -> tuple:
    """Order by interval: earlier start first, then the shorter (more precise) interval."""
    if not date:
        return (1,)
    interval = parse_date(date)
    return (0, interval.first, interval.last)


@functools.lru_cache(maxsize=1 << 16)
def _relative(target: str, start: str) -> str:
    """posixpath.relpath, remembered: every page links to the same pages from one of a few folders
    (relpath itself, two abspath() calls each time, was a fifth of the rendering time)."""
    return posixpath.relpath(target, start)


def page_path(type_: str, id_: str) -> str:
    return f"{type_}/{id_}.md"


# ---------------------------------------------------------------------------------------------
# Per-page helper handed to templates


@dataclass
class Citations:
    """Numbers sources in the order a page first cites them."""

    order: list[str] = field(default_factory=list)

    def number(self, source_id: str) -> int:
        if source_id not in self.order:
            self.order.append(source_id)
        return self.order.index(source_id) + 1


class Page:
    """What a template may call: links, escaped text, Markdown fields, citation marks."""

    def __init__(self, facts: Facts, path: str):
        self.facts = facts
        self.path = path
        self.citations = Citations()

    # links ------------------------------------------------------------------------------------
    def url(self, id_: str) -> str:
        record = self.facts.records[id_]
        target = page_path(record.type, id_)
        return _relative(target, posixpath.dirname(self.path) or ".")

    def name(self, id_: str) -> str:
        return record_name(self.facts.records[id_], self.facts)

    def link(self, id_: str | None, label: str | None = None) -> str:
        if not id_:
            return ""
        if id_ not in self.facts.records:
            return self.text(id_)
        return f"[{self.text(label or self.name(id_))}]({self.url(id_)})"

    # text -------------------------------------------------------------------------------------
    @staticmethod
    def text(value: Any) -> str:
        return "" if value is None else escape_text(value)

    def md(self, value: str | None) -> str:
        """A Markdown field: raw HTML shown as text, [[id]] turned into links, unsafe links dropped."""
        if not value:
            return ""
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        if unsafe_link(text):  # the validator reports these; never emit them
            text = MD_LINK_DEST.sub("](#", text)
        return INLINE_LINK.sub(lambda m: self.link(m.group(1).strip()), text)

    def md_inline(self, value: str | None) -> str:
        """A Markdown field on one line (table cell, list item)."""
        return " ".join(self.md(value).split())

    @staticmethod
    def contested(record: Any, field: str) -> str:
        """A pointer to 'Where sources disagree' when sources disagree on `field`."""
        for d in getattr(record, "disagreements", []):
            if d.field == field or d.field.startswith(field + "."):
                return " *(sources disagree: [see below](#disagreements))*"
        return ""

    def disputed(self, value: str) -> str:
        """Another source's version of a field: a record's name, a date as read, or the text."""
        if value in self.facts.records:
            return self.link(value)
        try:
            return human_date(value)
        except ValueError:
            return self.text(value)

    # citations --------------------------------------------------------------------------------
    def cite(self, ids: list[str] | None) -> str:
        if not ids:
            return ""
        return " " + "".join(f"[\\[{n}\\]](#cite-{n})" for n in map(self.citations.number, ids))

    def cited_sources(self) -> list[tuple[int, str]]:
        return [(n + 1, source_id) for n, source_id in enumerate(self.citations.order)]


# ---------------------------------------------------------------------------------------------
# Derived views (logic lives here, not in templates)


@dataclass
class Views:
    """Indexes over the facts that several pages need, computed once per build."""

    facts: Facts
    meetings_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    positions_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    children: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )  # topic -> subtopics
    side_meetings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    meetings_at: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    places_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    positions_on: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    meetings_on: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    positions_at: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, facts: Facts) -> Views:
        views = cls(facts)
        meetings = sorted(facts.of_type("meetings"), key=lambda r: (sort_key(r.data.date), r.id))
        for meeting in meetings:
            for actor in dict.fromkeys(p.actor for p in meeting.data.participants):
                views.meetings_of[actor].append(meeting.id)
            if meeting.data.part_of:
                views.side_meetings[meeting.data.part_of].append(meeting.id)
            if meeting.data.place:
                views.meetings_at[meeting.data.place].append(meeting.id)
            for topic in meeting.data.topics:
                views.meetings_on[topic].append(meeting.id)
        positions = sorted(facts.of_type("positions"), key=lambda r: (sort_key(r.data.date), r.id))
        for position in positions:
            for actor in dict.fromkeys(
                a for a in (position.data.holder, position.data.expressed_by) if a
            ):
                views.positions_of[actor].append(position.id)
            views.positions_on[position.data.topic].append(position.id)
            if position.data.expressed_at:
                views.positions_at[position.data.expressed_at].append(position.id)
        for topic in facts.of_type("topics"):
            if topic.data.parent:
                views.children[topic.data.parent].append(topic.id)
        for place in facts.of_type("places"):
            if place.data.located_in:
                views.places_in[place.data.located_in].append(place.id)
        return views

    def descendants(self, topic_id: str) -> list[str]:
        """The topic and every topic beneath it, depth first."""
        out, stack = [], [topic_id]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return out

    def places_within(self, place_id: str) -> list[str]:
        out, stack = [], [place_id]
        while stack:
            current = stack.pop()
            if current not in out:
                out.append(current)
                stack.extend(self.places_in.get(current, []))
        return out

    def counterparts(self, actor_id: str) -> list[tuple[str, list[str]]]:
        """Other participants the actor met, with the distinct meetings; most meetings first."""
        met: dict[str, list[str]] = defaultdict(list)
        for meeting_id in self.meetings_of.get(actor_id, []):
            for p in self.facts.records[meeting_id].data.participants:
                if p.actor != actor_id and meeting_id not in met[p.actor]:
                    met[p.actor].append(meeting_id)
        return sorted(met.items(), key=lambda item: (-len(item[1]), item[0]))


# ---------------------------------------------------------------------------------------------
# JSON-LD


def plain(text: str, facts: Facts) -> str:
    """A Markdown field as plain text for metadata: [[id]] becomes the record's name."""
    return INLINE_LINK.sub(
        lambda m: (
            record_name(facts.records[m.group(1).strip()], facts)
            if m.group(1).strip() in facts.records
            else m.group(1)
        ),
        text,
    )


def _jsonld(record: TypedRecord, facts: Facts) -> dict[str, Any]:
    data: Any = record.data
    name = record_name(record, facts)
    if record.type == "actors":
        kind = {"person": "Person", "organisation": "Organization", "state": "Country"}[data.kind]
        out: dict[str, Any] = {"@type": kind, "name": name}
        if data.native_names or data.aliases:
            out["alternateName"] = list(data.native_names.values()) + list(data.aliases)
        if data.summary:
            out["description"] = plain(data.summary, facts)
        if "wikidata" in data.identifiers:
            out["sameAs"] = f"https://www.wikidata.org/wiki/{data.identifiers['wikidata']}"
        if data.country and data.kind == "person":
            out["nationality"] = {
                "@type": "Country",
                "name": record_name(facts.records[data.country]),
            }
    elif record.type == "places":
        out = {"@type": "Place", "name": name}
        if data.located_in:
            out["containedInPlace"] = {
                "@type": "Place",
                "name": record_name(facts.records[data.located_in]),
            }
    elif record.type == "meetings":
        out = {"@type": "Event", "name": name, "startDate": data.date}
        if data.end_date:
            out["endDate"] = data.end_date
        if data.place:
            out["location"] = {"@type": "Place", "name": record_name(facts.records[data.place])}
        if data.summary:
            out["description"] = plain(data.summary, facts)
        out["attendee"] = [
            {
                "@type": {"person": "Person", "state": "Country"}.get(
                    facts.records[p.actor].data.kind, "Organization"
                ),
                "name": record_name(facts.records[p.actor]),
            }
            for p in data.participants
        ]
        if data.part_of:
            out["superEvent"] = {"@type": "Event", "name": record_name(facts.records[data.part_of])}
    elif record.type == "positions":
        out = {"@type": "Claim", "name": name, "text": plain(data.statement, facts)}
        if data.date:
            out["datePublished"] = data.date
    elif record.type == "topics":
        out = {"@type": "DefinedTerm", "name": name}
        if data.summary:
            out["description"] = plain(data.summary, facts)
    else:
        out = {
            "@type": "NewsArticle" if data.kind in ("news", "agency") else "CreativeWork",
            "headline": name,
        }
        if data.publisher:
            out["publisher"] = {"@type": "Organization", "name": data.publisher}
        if data.published:
            out["datePublished"] = data.published
        if data.url:
            out["url"] = data.url
    if record.type != "sources":
        out["citation"] = [record_name(facts.records[s]) for s in data.cite]
    return {"@context": "https://schema.org", **out}


def script_safe_json(value: Any) -> str:
    """JSON that cannot break out of a <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# ---------------------------------------------------------------------------------------------
# Rendering


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown; escaping is done by Page.text / Page.md
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",  # `{#` would collide with Markdown's `{ #id }`
        comment_end_string="##}",
    )
    env.filters["date"] = human_date
    env.filters["stance"] = stance_label
    env.filters["link"] = jinja2.pass_context(lambda ctx, value: ctx["page"].link(value))
    env.filters["text"] = jinja2.pass_context(lambda ctx, value: ctx["page"].text(value))
    env.globals.update(
        date_range=date_range,
        TYPE_TITLES=TYPE_TITLES,
        ACTOR_KINDS=ACTOR_KINDS,
        MEETING_KINDS=MEETING_KINDS,
        PARTICIPANT_ROLES=PARTICIPANT_ROLES,
        STANCES=STANCES,
        STATUSES=STATUSES,
        SOURCE_KINDS=SOURCE_KINDS,
    )
    return env


def front_matter(
    title: str, *, boost: float | None = None, jsonld: dict | None = None, extra: dict | None = None
) -> str:
    """YAML front matter (written as JSON, a YAML subset): the escaped title MkDocs shows."""
    lines = ["---", f"title: {json.dumps(html.escape(title, quote=False))}"]
    if boost is not None:
        lines.append(f"search: {json.dumps({'boost': boost})}")
    if jsonld is not None:
        lines.append(f"jsonld: {json.dumps(script_safe_json(jsonld))}")
    for key, value in (extra or {}).items():
        lines.append(f"{key}: {json.dumps(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def search_terms(record: TypedRecord) -> list[str]:
    """Variants a reader may type: diacritic-free spellings of names, titles and aliases."""
    data: Any = record.data
    names = [record_name(record)] if record.type != "positions" else []
    names += list(getattr(data, "aliases", []))
    out = []
    for name in names:
        folded = fold(name)
        if folded != name and folded not in out:
            out.append(folded)
    return out


_FIRST_H2 = re.compile(r"^## ", re.MULTILINE)


def with_search_terms(body: str, terms: list[str]) -> str:
    """Put the hidden variants at the end of the page's first section (before its first `##`).

    Material's search indexes a page section by section and drops the sections under an excluded
    heading ("Mentioned in", "Sources"): at the foot of the page the variants never reached the
    index. Hidden, so readers do not see them; raw HTML, so escaped as HTML, not as Markdown."""
    if not terms:
        return body
    paragraph = f'<p class="fs-search-terms" hidden>{html.escape(" ".join(terms), quote=False)}</p>'
    match = _FIRST_H2.search(body)
    at = match.start() if match else len(body)
    return body[:at].rstrip("\n") + "\n\n" + paragraph + "\n\n" + body[at:]


class Renderer:
    def __init__(
        self, facts: Facts, templates: Path, edit_url: str | None, updated: dict[str, str]
    ):
        self.facts = facts
        self.env = make_environment(templates)
        self.views = Views.build(facts)
        self.edit_url = edit_url or None
        self.updated = updated

    def _render(self, template: str, path: str, **context: Any) -> str:
        page = Page(self.facts, path)
        body = self.env.get_template(template).render(
            page=page, facts=self.facts, views=self.views, **context
        )
        return body

    def record_page(self, record: TypedRecord) -> str:
        path = page_path(record.type, record.id)
        title = record_name(record, self.facts)
        source_file = f"content/{record.type}/{Path(record.path).name}"
        body = self._render(
            f"{record.type[:-1]}.md.j2",
            path,
            record=record,
            r=record.data,
            title=title,
            edit_link=self.edit_url.replace("{path}", source_file) if self.edit_url else None,
            source_file=source_file,
            updated=self.updated.get(source_file),
            **getattr(self, f"_{record.type}")(record),
        )
        matter = front_matter(
            title, boost=SEARCH_BOOST[record.type], jsonld=_jsonld(record, self.facts)
        )
        return matter + with_search_terms(body, search_terms(record))

    # per-type view models ---------------------------------------------------------------------
    def _actors(self, record: TypedRecord) -> dict[str, Any]:
        facts, views = self.facts, self.views
        here = Page(facts, page_path(record.type, record.id))  # the pictures' links start here
        meetings = []
        for mid in views.meetings_of.get(record.id, []):
            meeting = facts.records[mid]
            others = list(
                dict.fromkeys(p.actor for p in meeting.data.participants if p.actor != record.id)
            )
            meetings.append({"id": mid, "data": meeting.data, "others": others})
        by_topic: dict[str, list[str]] = defaultdict(list)
        for pid in views.positions_of.get(record.id, []):
            by_topic[facts.records[pid].data.topic].append(pid)
        members = []
        for backref in facts.backrefs.get(record.id, []):
            member = facts.records[backref.source]
            if (
                member.type == "actors"
                and backref.path[0] == "posts"
                and backref.path[-1] == "organisation"
            ):
                post = member.data.posts[backref.path[1]]
                members.append({"actor": member.id, "title": post.title, "attested": post.attested})
        return {
            "posts": sorted(record.data.posts, key=lambda p: sort_key(p.start or p.attested)),
            "members": sorted(members, key=lambda m: (m["title"], m["actor"])),
            "meetings": meetings,
            "counterparts": views.counterparts(record.id),
            "graph": pictures.who_met_whom(facts, views, record.id, here),
            "timeline": pictures.timeline(
                facts,
                here,
                views.meetings_of.get(record.id, []),
                views.positions_of.get(record.id, []),
                record_name(record, facts),
            ),
            "positions_by_topic": sorted(
                by_topic.items(), key=lambda item: record_name(facts.records[item[0]])
            ),
        }

    def _meetings(self, record: TypedRecord) -> dict[str, Any]:
        return {
            "side_meetings": self.views.side_meetings.get(record.id, []),
            "positions": self.views.positions_at.get(record.id, []),
        }

    def _positions(self, record: TypedRecord) -> dict[str, Any]:
        topic = record.data.topic
        family = self.views.descendants(topic)
        parent = self.facts.records[topic].data.parent
        if parent:
            family += [parent]
        others = [
            pid for t in family for pid in self.views.positions_on.get(t, []) if pid != record.id
        ]
        return {
            "others": sorted(
                dict.fromkeys(others),
                key=lambda pid: (sort_key(self.facts.records[pid].data.date), pid),
            )
        }

    def _topics(self, record: TypedRecord) -> dict[str, Any]:
        family = self.views.descendants(record.id)
        stands = [pid for t in family for pid in self.views.positions_on.get(t, [])]
        stands = sorted(
            dict.fromkeys(stands),
            key=lambda pid: (
                record_name(self.facts.records[self.facts.records[pid].data.holder]),
                sort_key(self.facts.records[pid].data.date),
                pid,
            ),
        )
        chronology = []
        for pid in stands:
            data = self.facts.records[pid].data
            chronology.append({"date": data.date, "end": None, "what": "Position", "id": pid})
        for t in family:
            for mid in self.views.meetings_on.get(t, []):
                data = self.facts.records[mid].data
                chronology.append(
                    {"date": data.date, "end": data.end_date, "what": "Meeting", "id": mid}
                )
        unique = {(c["what"], c["id"]): c for c in chronology}.values()
        ids = {w: [c["id"] for c in unique if c["what"] == w] for w in ("Meeting", "Position")}
        return {
            "subtopics": self.views.children.get(record.id, []),
            "stands": stands,
            "chronology": sorted(unique, key=lambda c: (sort_key(c["date"]), c["what"], c["id"])),
            "timeline": pictures.timeline(
                self.facts,
                Page(self.facts, page_path(record.type, record.id)),
                ids["Meeting"],
                ids["Position"],
                record_name(record, self.facts),
            ),
        }

    def _places(self, record: TypedRecord) -> dict[str, Any]:
        within = self.views.places_within(record.id)
        meetings = [mid for place in within for mid in self.views.meetings_at.get(place, [])]
        return {
            "within": self.views.places_in.get(record.id, []),
            "meetings": sorted(
                dict.fromkeys(meetings),
                key=lambda mid: (sort_key(self.facts.records[mid].data.date), mid),
            ),
        }

    def _sources(self, record: TypedRecord) -> dict[str, Any]:
        citing: dict[str, list[str]] = defaultdict(list)
        for backref in self.facts.backrefs.get(record.id, []):
            if "cite" in backref.path:
                citing[self.facts.records[backref.source].type].append(backref.source)
        return {
            "citing": [(TYPE_TITLES[t], sorted(set(citing[t]))) for t in TYPES if citing.get(t)]
        }

    # index pages ------------------------------------------------------------------------------
    def _tree(self, roots: list[str], children: dict[str, list[str]]) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        name = lambda i: record_name(self.facts.records[i]).lower()  # noqa: E731

        def walk(node: str, depth: int) -> None:
            out.append((node, depth))
            for child in sorted(children.get(node, []), key=name):
                walk(child, depth + 1)

        for root in sorted(roots, key=name):
            walk(root, 0)
        return out

    def _index_context(self, type_: str) -> dict[str, Any]:
        facts, views = self.facts, self.views
        if type_ == "actors":
            by_kind = []
            for kind in ACTOR_KINDS:
                groups: dict[str, list[str]] = defaultdict(list)
                for record in facts.of_type("actors"):
                    if record.data.kind == kind:
                        groups[record.data.country or ""].append(record.id)
                if groups:
                    ordered = sorted(
                        groups.items(),
                        key=lambda g: (
                            g[0] == "",
                            record_name(facts.records[g[0]]) if g[0] in facts.records else g[0],
                        ),
                    )
                    by_kind.append(
                        (
                            kind,
                            [
                                (c, sorted(ids, key=lambda i: record_name(facts.records[i])))
                                for c, ids in ordered
                            ],
                        )
                    )
            return {
                "by_kind": by_kind,
                "kind_titles": {
                    "person": "People",
                    "organisation": "Organisations",
                    "state": "States",
                },
            }
        if type_ == "meetings":
            top = [
                r
                for r in facts.of_type("meetings")
                if not r.data.part_of or r.data.part_of not in facts.records
            ]
            by_year: dict[str, list[tuple[str, int]]] = defaultdict(list)
            for record in sorted(top, key=lambda r: (sort_key(r.data.date), r.id), reverse=True):
                for mid, depth in self._tree([record.id], views.side_meetings):
                    by_year[record.data.date[:4]].append((mid, depth))
            page = Page(facts, f"{type_}/index.md")
            return {
                "by_year": sorted(by_year.items(), reverse=True),
                "timeline": pictures.meetings_by_month(facts, page, set(by_year)),
                "network": pictures.people_network(facts, page),
            }
        if type_ == "positions":
            by_topic: dict[str, list[str]] = defaultdict(list)
            for record in facts.of_type("positions"):
                by_topic[record.data.topic].append(record.id)
            order = [
                t
                for t, _ in self._tree(
                    [r.id for r in facts.of_type("topics") if not r.data.parent], views.children
                )
            ]
            return {
                "by_topic": [
                    (
                        t,
                        sorted(
                            by_topic[t],
                            key=lambda i: (
                                record_name(facts.records[facts.records[i].data.holder]),
                                i,
                            ),
                        ),
                    )
                    for t in order
                    if t in by_topic
                ]
            }
        if type_ == "topics":
            return {
                "tree": self._tree(
                    [r.id for r in facts.of_type("topics") if not r.data.parent], views.children
                )
            }
        if type_ == "places":
            roots = [r.id for r in facts.of_type("places") if not r.data.located_in]
            return {
                "tree": self._tree(roots, views.places_in),
                "meetings_count": {
                    r.id: len(views.meetings_at.get(r.id, [])) for r in facts.of_type("places")
                },
            }
        cited = {
            r.id: len({b.source for b in facts.backrefs.get(r.id, []) if "cite" in b.path})
            for r in facts.of_type("sources")
        }
        return {"cited_count": cited}

    def index_page(self, type_: str) -> str:
        path = f"{type_}/index.md"
        context = self._index_context(type_)
        return front_matter(TYPE_TITLES[type_]) + self._render(
            f"index_{type_}.md.j2", path, records=self.facts.of_type(type_), **context
        )

    def home_page(self) -> str:
        counts = {t: len(self.facts.of_type(t)) for t in TYPES}
        latest = sorted(
            self.facts.of_type("meetings"),
            key=lambda r: (sort_key(r.data.date), r.id),
            reverse=True,
        )[:8]
        return front_matter("Diplomacy fact sheets") + self._render(
            "home.md.j2", "index.md", counts=counts, latest=latest
        )


def render_site(
    facts: Facts,
    templates: Path,
    *,
    edit_url: str | None = None,
    updated: dict[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, bytes]]:
    """Render every record page, index page and data file. Return (pages, assets)."""
    renderer = Renderer(facts, templates, edit_url, updated or {})
    pages: dict[str, str] = {"index.md": renderer.home_page()}
    for type_ in TYPES:
        pages[f"{type_}/index.md"] = renderer.index_page(type_)
        for record in facts.of_type(type_):
            pages[page_path(type_, record.id)] = renderer.record_page(record)
    assets: dict[str, bytes] = {"data/facts.json": to_json(facts).encode()}
    for name, text in to_csv(facts).items():
        assets[f"data/{name}"] = text.encode()
    for type_, text in json_schemas().items():
        assets[f"schema/{type_}.schema.json"] = text.encode()
    return pages, assets


def redirect_map(facts: Facts) -> dict[str, str]:
    """Old page -> new page for every renamed record (mkdocs-redirects' `redirect_maps`)."""
    return {
        page_path(facts.records[new].type, old): page_path(facts.records[new].type, new)
        for old, new in sorted(facts.renamed.items())
    }
