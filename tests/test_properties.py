"""Property-based: generated valid content validates and exports unchanged; each mutation of it
is reported with the right code in the right file at the right line, never with a traceback.

Records are built from the model's own vocabularies, written as real YAML files with
yaml.safe_dump into a fresh temporary directory per example (function-scoped fixtures are not
reset between hypothesis examples).
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.export import record_dicts
from generator.feeds import relative
from generator.model import (
    ACTOR_KINDS,
    MEETING_KINDS,
    MODELS,
    PARTICIPANT_ROLES,
    PLACE_KINDS,
    SOURCE_KINDS,
    STANCES,
    STATUSES,
)
from generator.pipeline import check

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

World = dict[tuple[str, str], dict[str, Any]]  # (type, id) -> fields as written

# ---------------------------------------------------------------------------------------------
# Strategies

slugs = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6), min_size=1, max_size=3
).map("-".join)
texts = st.text(
    # no Markdown structure: links, attribute lists, headings and admonitions are refused
    st.characters(categories=("L", "M", "N", "P", "Zs"), exclude_characters="[]{}#!"),
    min_size=1,
    max_size=24,
).filter(lambda s: s.strip() and not s.lstrip().upper().startswith("FILL-ME"))
languages = st.sampled_from(["en", "ru", "hi", "zh", "fr", "kk", "zh-Hans"])
statuses = st.sampled_from(sorted(STATUSES))


def vocabulary(terms: dict[str, str]) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(terms))


@st.composite
def dates(draw, minimum: dt.date = dt.date(1950, 1, 1)) -> str:
    day = draw(st.dates(min_value=minimum, max_value=dt.date(2049, 12, 31)))
    return day.isoformat()[: draw(st.sampled_from([4, 7, 10]))]


@st.composite
def date_ranges(draw) -> tuple[str, str]:
    """A start and an end whose intervals are in order (the end never wholly before the start)."""
    first, second = sorted(
        draw(
            st.lists(
                st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2049, 12, 31)),
                min_size=2,
                max_size=2,
            )
        )
    )
    cut = st.sampled_from([4, 7, 10])
    return first.isoformat()[: draw(cut)], second.isoformat()[: draw(cut)]


def maybe(draw, record: dict, key: str, strategy: st.SearchStrategy) -> None:
    if draw(st.booleans()):
        record[key] = draw(strategy)


@st.composite
def worlds(draw) -> World:
    """A small, consistent, valid content tree: every reference resolves, every source is cited."""
    counts = {
        "sources": draw(st.integers(1, 3)),
        "states": draw(st.integers(1, 2)),
        "persons": draw(st.integers(1, 2)),
        "organisations": draw(st.integers(0, 1)),
        "places": draw(st.integers(0, 2)),
        "topics": draw(st.integers(1, 3)),
        "meetings": draw(st.integers(1, 3)),
        "positions": draw(st.integers(0, 2)),
    }
    ids = iter(
        draw(
            st.lists(
                slugs, min_size=sum(counts.values()), max_size=sum(counts.values()), unique=True
            )
        )
    )
    pick = lambda ids_: st.sampled_from(ids_)  # noqa: E731
    world: World = {}

    sources = [next(ids) for _ in range(counts["sources"])]
    cite = st.lists(pick(sources), min_size=1, max_size=2, unique=True)

    def provenance(record: dict) -> dict:
        record["cite"] = draw(cite)
        record["status"] = draw(statuses)
        return record

    for id_ in sources:
        source = {"title": draw(texts), "kind": draw(vocabulary(SOURCE_KINDS))}
        maybe(draw, source, "publisher", texts)
        maybe(draw, source, "published", dates())
        maybe(draw, source, "language", languages)
        maybe(draw, source, "url", slugs.map(lambda s: f"https://example.org/{s}"))
        world["sources", id_] = source

    states = [next(ids) for _ in range(counts["states"])]
    persons = [next(ids) for _ in range(counts["persons"])]
    organisations = [next(ids) for _ in range(counts["organisations"])]
    actors = states + persons + organisations
    for id_ in states + organisations:
        actor = {"kind": "state" if id_ in states else "organisation", "name": draw(texts)}
        maybe(draw, actor, "native_names", st.dictionaries(languages, texts, max_size=2))
        maybe(draw, actor, "aliases", st.lists(texts, max_size=2, unique=True))
        world["actors", id_] = provenance(actor)
    for id_ in persons:
        person = {"kind": "person", "name": draw(texts), "country": draw(pick(states))}
        maybe(draw, person, "summary", texts)
        maybe(draw, person, "identifiers", st.dictionaries(st.just("wikidata"), slugs, max_size=1))
        if draw(st.booleans()):
            start, end = draw(date_ranges())
            person["posts"] = [
                {
                    "organisation": draw(pick(states + organisations)),
                    "title": draw(texts),
                    "start": start,
                    "end": end,
                }
            ]
        world["actors", id_] = provenance(person)
    assert set(ACTOR_KINDS) == {"person", "state", "organisation"}

    places = [next(ids) for _ in range(counts["places"])]
    for id_ in places:
        place = {"name": draw(texts), "country": draw(pick(states))}
        maybe(draw, place, "kind", vocabulary(PLACE_KINDS))
        world["places", id_] = provenance(place)

    topics = [next(ids) for _ in range(counts["topics"])]
    for index, id_ in enumerate(topics):
        topic = {"name": draw(texts)}
        if index and draw(st.booleans()):
            topic["parent"] = draw(pick(topics[:index]))  # a tree: parents come first
        maybe(draw, topic, "summary", texts)
        world["topics", id_] = provenance(topic)

    meetings = [next(ids) for _ in range(counts["meetings"])]
    for index, id_ in enumerate(meetings):
        start, end = draw(date_ranges())
        meeting: dict[str, Any] = {
            "title": draw(texts),
            "kind": draw(vocabulary(MEETING_KINDS)),
            "date": start,
        }
        if index and draw(st.booleans()):
            parent = world["meetings", meetings[0]]
            meeting["part_of"] = meetings[0]
            meeting["date"] = parent["date"]
        elif draw(st.booleans()):
            meeting["end_date"] = end
        if places:
            maybe(draw, meeting, "place", pick(places))
        meeting["participants"] = [
            {"actor": actor, "role": draw(vocabulary(PARTICIPANT_ROLES))}
            for actor in draw(st.lists(pick(actors), min_size=1, max_size=3, unique=True))
        ]
        maybe(draw, meeting, "topics", st.lists(pick(topics), max_size=2, unique=True))
        if draw(st.booleans()):
            meeting["quotes"] = [
                {"by": draw(pick(persons)), "text": draw(texts), "language": draw(languages)}
            ]
        world["meetings", id_] = provenance(meeting)

    for id_ in [next(ids) for _ in range(counts["positions"])]:
        position: dict[str, Any] = {
            "holder": draw(pick(actors)),
            "expressed_by": draw(pick(persons)),
            "topic": draw(pick(topics)),
            "stance": draw(vocabulary(STANCES)),
            "statement": draw(texts),
        }
        maybe(draw, position, "date", dates())
        maybe(draw, position, "expressed_at", pick(meetings))
        if draw(st.booleans()):
            position["disagreements"] = [
                {"field": "date", "value": draw(dates()), "cite": draw(cite)}
            ]
        world["positions", id_] = provenance(position)

    cited = {s for record in world.values() for s in record.get("cite", [])}
    for missing in sorted(set(sources) - cited):  # no source left uncited (that would warn)
        world["topics", topics[0]]["cite"].append(missing)
    return world


# ---------------------------------------------------------------------------------------------
# Helpers


def dump(record: dict[str, Any]) -> str:
    return yaml.safe_dump(
        record, allow_unicode=True, sort_keys=False, default_flow_style=False, width=80
    )


def write_world(
    content: Path, world: World, texts_: dict[tuple[str, str], str] | None = None
) -> None:
    for (type_, id_), record in world.items():
        path = content / type_ / f"{id_}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((texts_ or {}).get((type_, id_)) or dump(record), encoding="utf-8")


def key_line(text: str, key: str) -> int:
    """The 1-based line of a top-level `key:` in block YAML written by safe_dump."""
    lines = text.split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


def run_check(world: World, texts_: dict | None = None):
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_world(content, world, texts_)
        checked = check(content)
        relative = [
            (
                Path(p.path).resolve().relative_to(content.resolve()).as_posix(),
                p.line,
                p.code,
                p.severity,
            )
            for p in checked.problems
        ]
        return checked, relative


def assert_no_internal(problems) -> None:
    assert not any(code.startswith("internal") for _, _, code, _ in problems), problems


# ---------------------------------------------------------------------------------------------
# Properties


@SETTINGS
@given(worlds())
def test_generated_content_validates_and_exports_as_written(world: World) -> None:
    checked, problems = run_check(world)
    assert problems == []
    exported = {(r["type"], r["id"]): r for r in record_dicts(checked.facts)}
    assert set(exported) == set(world)
    for key, record in world.items():
        assert written_in(record, exported[key]), (key, record, exported[key])


def written_in(written: Any, exported: Any) -> bool:
    """Whether everything written is exported unchanged (export adds defaults, never changes)."""
    if isinstance(written, dict):
        return isinstance(exported, dict) and all(
            k in exported and written_in(v, exported[k]) for k, v in written.items()
        )
    if isinstance(written, list):
        return (
            isinstance(exported, list)
            and len(written) == len(exported)
            and all(map(written_in, written, exported))
        )
    return written == exported


@SETTINGS
@given(worlds(), st.data())
def test_dropping_a_required_field(world: World, data: st.DataObject) -> None:
    type_, id_ = data.draw(st.sampled_from(sorted(world)))
    record = world[type_, id_]
    required = [f for f in record if MODELS[type_].model_fields[f].is_required()]
    field = data.draw(st.sampled_from(required))
    del record[field]
    _, problems = run_check(world)
    assert_no_internal(problems)
    path = f"{type_}/{id_}.yml"
    assert [p for p in problems if p[0] == path] == [(path, 1, "schema.missing-field", "error")]


NOT_VOCABULARY = {"kind", "stance", "status"}


@SETTINGS
@given(worlds(), st.data())
def test_a_value_of_the_wrong_type(world: World, data: st.DataObject) -> None:
    type_, id_ = data.draw(st.sampled_from(sorted(world)))
    record = world[type_, id_]
    field = data.draw(st.sampled_from(sorted(set(record) - NOT_VOCABULARY)))
    value = record[field]
    if isinstance(value, str):
        record[field] = data.draw(st.sampled_from([[value], {"text": value}]))
    else:
        record[field] = data.draw(texts)
    text = dump(record)
    _, problems = run_check(world, {(type_, id_): text})
    assert_no_internal(problems)
    path = f"{type_}/{id_}.yml"
    assert [p for p in problems if p[0] == path] == [
        (path, key_line(text, field), "schema.type", "error")
    ]


REFERENCES = {
    "actors": ["country"],
    "places": ["country"],
    "topics": ["parent"],
    "meetings": ["place", "part_of"],
    "positions": ["holder", "expressed_by", "topic", "expressed_at"],
}


@SETTINGS
@given(worlds(), st.data())
def test_a_dangling_reference(world: World, data: st.DataObject) -> None:
    candidates = sorted(
        (t, i, f) for (t, i), r in world.items() for f in REFERENCES.get(t, []) if f in r
    )
    type_, id_, field = (
        data.draw(st.sampled_from(candidates)) if candidates else ("positions", None, "topic")
    )
    if id_ is None:  # no record refers to another by a single field: add one that does
        id_ = "dangling-position"
        world[type_, id_] = {
            "holder": next(i for t, i in world if t == "actors"),
            "topic": "x",
            "stance": "supports",
            "statement": "S.",
            "cite": [next(i for t, i in world if t == "sources")],
            "status": "reported",
        }
    record = world[type_, id_]
    missing = data.draw(slugs.filter(lambda s: all(s != i for _, i in world)))
    record[field] = missing
    text = dump(record)
    _, problems = run_check(world, {(type_, id_): text})
    assert_no_internal(problems)
    path = f"{type_}/{id_}.yml"
    assert problems == [(path, key_line(text, field), "link.unresolved", "error")]


@SETTINGS
@given(worlds(), st.data())
def test_a_duplicated_key_written_in_the_file(world: World, data: st.DataObject) -> None:
    type_, id_ = data.draw(st.sampled_from(sorted(world)))
    record = world[type_, id_]
    field = data.draw(st.sampled_from(sorted(record)))
    text = dump(record)
    repeat = dump({field: record[field]})
    doubled = text + repeat
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_world(content, world, {(type_, id_): doubled})
        result = CliRunner().invoke(main, ["validate", str(content), "--format", "json"])
        assert "Traceback" not in result.output
        assert result.exit_code == 1
        report = json.loads(result.output)
        problems = [
            (
                Path(p["path"]).resolve().relative_to(content.resolve()).as_posix(),
                p["line"],
                p["code"],
            )
            for p in report["problems"]
            if p["severity"] == "error"
        ]
    path = f"{type_}/{id_}.yml"
    duplicate_line = text.count("\n") + 1
    assert [p for p in problems if p[0] == path] == [(path, duplicate_line, "yaml.duplicate-key")]


_SEGMENT = st.sampled_from(["", ".", "..", "a", "b", "ab", "index.md", "x y"])
_PATH = st.lists(_SEGMENT, max_size=5).map("/".join) | st.lists(_SEGMENT, max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)


@given(_PATH, _PATH)
@settings(max_examples=2000, deadline=None)
def test_relative_is_posixpaths_relpath(target: str, start: str):
    relative.cache_clear()
    try:
        expected = posixpath.relpath(target, start)
    except ValueError:  # an empty path: relpath refuses it, and so must relative
        with pytest.raises(ValueError):
            relative(target, start)
        return
    assert relative(target, start) == expected
