"""Linked facts -> `data/popolo.json`, in the Popolo open-government data specification's terms.

Popolo (http://www.popoloproject.com/, the format of EveryPolitician) has people, organizations,
memberships and events. Here:

* persons       — actors of kind `person`;
* organizations — actors of kind `organisation` and `state` (`classification` says which);
* memberships   — every entry of an actor's `posts`: who (`person_id`, or `member` for an
  organisation or state that belongs to another), in which organization, the post (`role`,
  `label`), `start_date`/`end_date` at the precision the editor gave (`2025`, `2025-06`,
  `2025-06-26`, as Popolo's date pattern allows); a post known only to be held on a day keeps
  that day in `attested_date`, a field of ours (Popolo has no word for it, and turning it into a
  start date would claim what no source says);
* events        — meetings, with `parent_id` for a meeting on the sidelines of another,
  `attendees` (the participating persons, with their `role`, `post` and `on_behalf_of_id` as
  Popolo's membership names them) and `location` (the place's name).

Every object has `id` (the record id, which is also its address on this site:
`api/<type>/<id>.json`, `<type>/<id>/`) and `sources` (the cited sources' web addresses; Popolo
wants absolute URIs there, and the site has no fixed host, so no link to its own pages). Checked against the Popolo JSON
Schemas (vendor/popolo-spec/) in tests/test_popolo.py. Written by hand: everypolitician-popolo
reads Popolo files and pupa is a scraping framework with its own models; neither writes Popolo
from data of another shape, and the format is plain JSON.
"""

from __future__ import annotations

from typing import Any

from .api import text
from .link import Facts, record_name
from .render import plain  # [[id]] -> the record's name, for plain-text fields


class _AllRecords:
    """What render.plain asks of a view (a name for an id, whether it exists), over all facts."""

    def __init__(self, facts: Facts):
        self.facts = facts

    def exists(self, id_: str) -> bool:
        return id_ in self.facts.records

    def name(self, id_: str) -> str:
        return record_name(self.facts.records[id_], self.facts)


def _sources(facts: Facts, ids: list[str]) -> list[dict[str, str]]:
    out = []
    for source_id in dict.fromkeys(ids):
        source = facts.records[source_id].data
        if source.url:
            out.append({"url": source.url, "note": source.title})
    return out


def _given(out: dict[str, Any], **values: Any) -> None:
    """Set each of `values` that is given: Popolo leaves out what is not known, never null."""
    out.update((key, value) for key, value in values.items() if value)


def _actor(facts: Facts, record: Any) -> dict[str, Any]:
    data = record.data
    out: dict[str, Any] = {"id": record.id, "name": data.name}
    other = [{"name": name, "note": f"name in {lang}"} for lang, name in data.native_names.items()]
    other += [{"name": alias, "note": "alias"} for alias in data.aliases]
    if other:
        out["other_names"] = other
    if data.identifiers:
        out["identifiers"] = [
            {"scheme": scheme, "identifier": value} for scheme, value in data.identifiers.items()
        ]
    if data.summary:
        out["summary" if data.kind == "person" else "abstract"] = plain(
            data.summary, _AllRecords(facts)
        )
    if data.kind == "person":
        if data.country:
            out["national_identity"] = record_name(facts.records[data.country])
    else:
        out["classification"] = data.kind
        if data.country:
            out["area_id"] = data.country
    out["sources"] = _sources(facts, data.cite)
    return out


def _memberships(record: Any, facts: Facts) -> list[dict[str, Any]]:
    data = record.data
    memberships = []
    for index, post in enumerate(data.posts):
        membership: dict[str, Any] = {"id": f"{record.id}-post-{index + 1}"}
        if data.kind == "person":
            membership["person_id"] = record.id
        else:
            membership["member"] = {"@type": "Organization", "id": record.id}
        membership.update(organization_id=post.organisation, role=post.title, label=post.title)
        _given(membership, start_date=post.start, end_date=post.end, attested_date=post.attested)
        membership["sources"] = _sources(facts, post.cite or data.cite)
        memberships.append(membership)
    return memberships


def _event(facts: Facts, record: Any) -> dict[str, Any]:
    data = record.data
    event: dict[str, Any] = {
        "id": record.id,
        "name": data.title,
        "classification": data.kind,
        "start_date": data.date,
    }
    _given(
        event,
        end_date=data.end_date,
        location=data.place and record_name(facts.records[data.place]),
        parent_id=data.part_of,
        description=data.summary and plain(data.summary, _AllRecords(facts)),
    )
    event["status"] = data.status
    attendees = []
    for participant in data.participants:
        actor = facts.records[participant.actor]
        if actor.data.kind != "person":
            continue
        attendee: dict[str, Any] = {"id": actor.id, "name": actor.data.name}
        _given(
            attendee,
            role=participant.role,
            post=participant.post,
            on_behalf_of_id=participant.on_behalf_of,
        )
        attendees.append(attendee)
    event["attendees"] = attendees
    event["sources"] = _sources(facts, data.cite)
    return event


def popolo_document(facts: Facts) -> dict[str, Any]:
    """The Popolo document: persons, organizations, memberships, events (each sorted by id)."""
    persons, organizations, memberships = [], [], []
    for record in facts.of_type("actors"):
        (persons if record.data.kind == "person" else organizations).append(_actor(facts, record))
        memberships += _memberships(record, facts)
    events = [_event(facts, record) for record in facts.of_type("meetings")]
    return {
        "persons": persons,
        "organizations": organizations,
        "memberships": memberships,
        "events": events,
    }


def popolo_files(
    facts: Facts, *, directory_urls: bool = True, memo: Any = None
) -> dict[str, bytes]:
    """The data file, `dumps(popolo_document(facts))` byte for byte, written from each record's
    objects in JSON: with `memo` (incremental.Near), those of the records an incremental build's
    edit did not touch are as last time (an object reads its record and the names, kinds and
    sources' addresses of the records it names: Near's terms). `directory_urls` only for the
    data files' common signature: unused."""
    del directory_urls
    persons, organizations, memberships, events = [], [], [], []
    for record in facts.of_type("actors"):

        def actor(record: Any = record) -> tuple[bool, str, tuple[str, ...]]:
            parts = tuple(map(text, _memberships(record, facts)))
            return record.data.kind == "person", text(_actor(facts, record)), parts

        person, written, parts = memo.get("popolo", record.id, actor) if memo else actor()
        (persons if person else organizations).append(written)
        memberships += parts
    for record in facts.of_type("meetings"):
        make = lambda record=record: text(_event(facts, record))  # noqa: E731
        events.append(memo.get("popolo", record.id, make) if memo else make())
    lists = zip(
        ("persons", "organizations", "memberships", "events"),
        (persons, organizations, memberships, events),
        strict=True,
    )
    body = ", ".join(f'"{name}": [{", ".join(items)}]' for name, items in lists)
    return {"data/popolo.json": ("{" + body + "}\n").encode()}
