"""Id registry, reference resolution, back-references and the derived views pages need.

Resolution follows autorefs: collect every id first, then resolve every reference, reporting
each miss with its file and line and a did-you-mean.
"""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .dates import parse_date
from .model import MARKDOWN_FIELDS, TITLE_FIELD, Ref, _unwrap, iter_refs
from .problems import Problem, error, internal, warning
from .safety import INLINE_LINK, findings
from .validate import TypedRecord


@dataclass(frozen=True)
class Backref:
    """`source` (a record id) refers to the target at `path` inside itself."""

    source: str
    path: tuple


@dataclass
class Facts:
    """Every valid record, indexed by id, with back-references."""

    records: dict[str, TypedRecord]
    renamed: dict[str, str] = field(default_factory=dict)  # former id -> current id
    broken: dict[str, str] = field(
        default_factory=dict
    )  # id -> type of records that failed the schema
    backrefs: dict[str, list[Backref]] = field(default_factory=lambda: defaultdict(list))
    inline_links: dict[str, set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )  # id -> ids it mentions

    def of_type(self, type_: str) -> list[TypedRecord]:
        return sorted((r for r in self.records.values() if r.type == type_), key=lambda r: r.id)

    def get(self, id_: str) -> TypedRecord | None:
        return self.records.get(id_)


def record_name(record: TypedRecord, facts: Facts | None = None) -> str:
    """Return the human name of a record: its name or title; for a position, a sentence."""
    data: Any = record.data
    title_field = TITLE_FIELD[record.type]
    if title_field:
        return getattr(data, title_field)
    if facts is not None:
        holder = facts.get(data.holder)
        topic = facts.get(data.topic)
        if holder and topic:
            return f"{record_name(holder)}: {data.stance.replace('-', ' ')} — {record_name(topic)}"
    return f"{data.holder}: {data.stance} — {data.topic}"


@functools.cache
def _text_fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """(field, is Markdown) for each field of `model` that is Markdown or may hold nested records;
    fields of plain text, lists of text and mappings are left out (they hold no Markdown field)."""
    plan = []
    for name, field_ in model.model_fields.items():
        annotation, _ = _unwrap(field_.annotation)
        if get_origin(annotation) is list:
            annotation, _ = _unwrap(get_args(annotation)[0])
        if name in MARKDOWN_FIELDS:
            plan.append((name, True))
        elif not (annotation is str or annotation is dict or get_origin(annotation) is dict):
            plan.append((name, False))
    return tuple(plan)


def _markdown_texts(value: Any, path: tuple = ()):
    """Yield (path, text) for every Markdown field in a record, however deep."""
    if isinstance(value, BaseModel):
        for name, markdown in _text_fields(type(value)):
            item = getattr(value, name)
            if item is None:
                continue
            if markdown:
                if isinstance(item, list):
                    for index, text in enumerate(item):
                        if text is not None:  # None: a text that did not parse
                            yield path + (name, index), text
                else:
                    yield path + (name,), item
            elif isinstance(item, (BaseModel, list)):  # plain text, ids and mappings hold none
                yield from _markdown_texts(item, path + (name,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (BaseModel, list)):
                yield from _markdown_texts(item, path + (index,))


def _a(word: str | None) -> str:
    return f"an {word}" if str(word)[:1] in "aeiou" else f"a {word}"


def _suggest(id_: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(id_, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _resolve(
    facts: Facts, record: TypedRecord, loc: tuple, target_id: str, ref: Ref | None, near: str = ""
) -> list[Problem]:
    """Nothing when `target_id` is a record `ref` allows; else the problem, at `loc` (or at the
    text `near` it, an inline link's own place)."""
    target = facts.records.get(target_id)
    if target is not None and (
        ref is None
        or target.type in ref.types
        and (not ref.kinds or getattr(target.data, "kind", None) in ref.kinds)
    ):
        return []  # the common case, first and cheap: a record of the right type and kind
    where = ".".join(str(p) for p in loc)
    target = facts.records.get(target_id)
    if target is None:
        if target_id in facts.broken and (ref is None or facts.broken[target_id] in ref.types):
            return []  # the record exists but is invalid: its own errors say why
        if target_id in facts.renamed:
            new = facts.renamed[target_id]
            return [
                record.error(
                    loc,
                    "link.renamed",
                    f"{where}: {target_id!r} was renamed to {new!r}: use {new!r}",
                    near=near,
                )
            ]
        types = ref.types if ref else ()
        pool = [r.id for r in facts.records.values() if not types or r.type in types]
        what = f"no {ref.describe()} record" if ref else "no record"
        return [
            record.error(
                loc,
                "link.unresolved",
                f"{where}: {what} has the id {target_id!r}{_suggest(target_id, pool)}",
                near=near,
            )
        ]
    if ref is None:
        return []
    if target.type not in ref.types:
        return [
            record.error(
                loc,
                "link.wrong-type",
                f"{where}: {target_id!r} is one of the {target.type}; expected one of the {ref.describe()}",
                near=near,
            )
        ]
    if ref.kinds and getattr(target.data, "kind", None) not in ref.kinds:
        kind = getattr(target.data, "kind", None)
        return [
            record.error(
                loc,
                "link.wrong-kind",
                f"{where}: {target_id!r} is {_a(kind)}; expected {' or '.join(map(_a, ref.kinds))}",
                near=near,
            )
        ]
    return []


def _cycles(facts: Facts, type_: str, attribute: str) -> list[Problem]:
    """Report records whose chain of `attribute` (part_of, parent) loops back on itself."""
    problems = []
    for record in facts.of_type(type_):
        chain = [record.id]
        current = getattr(record.data, attribute)
        while current and current in facts.records and facts.records[current].type == type_:
            if current == record.id:
                loop = " -> ".join(chain + [current])
                problems.append(
                    record.error(
                        (attribute,),
                        f"link.{attribute.replace('_', '-')}-cycle",
                        f"{attribute} forms a cycle: {loop}",
                    )
                )
                break
            if current in chain:
                break
            chain.append(current)
            current = getattr(facts.records[current].data, attribute)
    return problems


def _duplicate(record: TypedRecord, other: TypedRecord) -> Problem:
    return error(
        record.path,
        1,
        1,
        "id.duplicate",
        f"id {record.id!r} is already used by {other.path}: ids are unique across all types; rename one",
    )


@dataclass
class _Clean:
    """A record whose check found nothing: the references it resolved and what it registered,
    in order. `record` is the very object checked (an unchanged file keeps its record)."""

    record: TypedRecord
    refs: tuple[tuple[tuple, str, Ref | None], ...]  # (loc, target id, ref) as resolved
    backrefs: tuple[tuple[str, Backref], ...]
    inline: tuple[str, ...]


def _replay(facts: Facts, clean: _Clean) -> bool:
    """Register what a clean record registered last time, if every reference it resolved still
    resolves (in the common case, a record of the right type and kind: the cheap path)."""
    record = clean.record
    for loc, target_id, ref in clean.refs:
        if _resolve(facts, record, loc, target_id, ref):
            return False
    _register(facts, clean)
    return True


def _register(facts: Facts, clean: _Clean) -> None:
    """Note the back-references and inline links a record makes."""
    for target_id, backref in clean.backrefs:
        facts.backrefs[target_id].append(backref)
    for target_id in clean.inline:
        facts.inline_links[clean.record.id].add(target_id)


def _check_references(
    facts: Facts,
    record: TypedRecord,
    register: bool,
    last: dict[str, _Clean] | None = None,
    now: dict[str, _Clean] | None = None,
) -> list[Problem]:
    """Resolve a record's references and [[id]] links and check its Markdown texts; with
    `register`, note the back-references and inline links it makes.

    `last`, `now` (an incremental build's, id -> _Clean): a record checked clean last time, the
    same object now, is not walked again; its references are resolved again (what they name
    may have changed) and its registrations replayed. The texts' findings depend on the record
    alone. A record with a problem is always checked anew (a problem's did-you-mean reads
    every id). A clean record is noted in `now`."""
    clean = last.get(record.id) if last is not None and register else None
    if clean is not None and clean.record is record and _replay(facts, clean):
        if now is not None:
            now[record.id] = clean
        return []
    problems: list[Problem] = []
    refs: list[tuple[tuple, str, Ref | None]] = []
    registered: list[tuple[str, Backref]] = []
    inline: list[str] = []
    for loc, target_id, ref in iter_refs(record.data):
        found = _resolve(facts, record, loc, target_id, ref)
        problems += found
        refs.append((loc, target_id, ref))
        if register and not found:
            registered.append((target_id, Backref(record.id, loc)))
    for loc, text in _markdown_texts(record.data):
        where = ".".join(map(str, loc))
        for finding in dict.fromkeys(findings(text)):  # links, images, attributes, headings
            message = f"{where}: {finding.message}"
            problems.append(record.error(loc, finding.code, message, near=finding.snippet))
        for match in INLINE_LINK.finditer(text):
            target_id = match.group(1).strip()
            # an unresolved link is reported at its own place, not at the field's key
            found = _resolve(facts, record, loc, target_id, None, near=match.group(0))
            problems += found
            refs.append((loc, target_id, None))
            if register and not found and target_id != record.id:
                inline.append(target_id)
                registered.append((target_id, Backref(record.id, loc)))
    clean = _Clean(record, tuple(refs), tuple(registered), tuple(inline))
    if register:
        _register(facts, clean)
    if now is not None and register and not problems:
        now[record.id] = clean
    return problems


def link_records(
    records: list[TypedRecord],
    broken: dict[str, str] | None = None,
    partial: list[TypedRecord] | tuple[TypedRecord, ...] = (),
    memo: dict[str, _Clean] | None = None,
) -> tuple[Facts, list[Problem]]:
    """Register ids, resolve every reference and inline [[id]], collect back-references.

    `broken` maps the ids of records that exist but failed the schema to their type: references
    to them are not reported (their own errors are), so one typo does not cascade into others.
    `partial` holds what parsed of those records (`validate.partial_record`): their references,
    citations, [[id]] links and texts are checked like any other's, so an editor learns of a
    misspelt id in the same run as of a schema error; they add no back-references.
    `memo` (id -> _Clean, kept by an incremental build): see _check_references; it is left
    holding this run's clean records.
    """
    problems: list[Problem] = []
    by_id: dict[str, TypedRecord] = {}
    for record in sorted(records, key=lambda r: (r.type, r.id)):
        if record.id in by_id:
            problems.append(_duplicate(record, by_id[record.id]))
            continue
        by_id[record.id] = record
    checked_partial: list[TypedRecord] = []
    seen = dict(by_id)
    for record in sorted(partial, key=lambda r: (r.type, r.id)):
        if record.id in seen:
            problems.append(_duplicate(record, seen[record.id]))
            continue
        seen[record.id] = record
        checked_partial.append(record)
    facts = Facts(by_id, broken={k: v for k, v in (broken or {}).items() if k not in by_id})
    for record in [*by_id.values(), *checked_partial]:
        for index, old in enumerate(getattr(record.data, "former_ids", None) or []):
            if old is None:
                continue  # did not parse: the schema says why
            loc = ("former_ids", index)
            if old == record.id:
                continue  # reported by the validator as rename.self
            if old in by_id:
                problems.append(
                    record.error(
                        loc,
                        "rename.collision",
                        f"former id {old!r} is the id of a current record ({by_id[old].path}): remove it from former_ids",
                    )
                )
            elif old in facts.renamed:
                problems.append(
                    record.error(
                        loc,
                        "rename.duplicate",
                        f"former id {old!r} is also claimed by {facts.renamed[old]!r}",
                    )
                )
            else:
                facts.renamed[old] = record.id

    last = dict(memo) if memo is not None else None
    if memo is not None:
        memo.clear()
    for record in by_id.values():
        problems += _check_references(facts, record, register=True, last=last, now=memo)
    for record in checked_partial:
        try:
            problems += _check_references(facts, record, register=False)
        except Exception as exc:  # noqa: BLE001 - a bug must not lose the other records' problems
            problems.append(internal(record.path, "link", "checking the fields that parsed", exc))

    problems += _cycles(facts, "meetings", "part_of")
    problems += _cycles(facts, "topics", "parent")
    problems += _check_dates(facts, checked_partial)
    # with invalid records about, "nobody cites it" may be false: say it once they are fixed
    for source in facts.of_type("sources") if not facts.broken else []:
        if not any("cite" in b.path for b in facts.backrefs.get(source.id, [])):
            problems.append(
                warning(
                    source.path,
                    1,
                    1,
                    "source.uncited",
                    f"source {source.id!r} is cited by no record: cite it or delete it",
                )
            )
    return facts, problems


def _check_dates(facts: Facts, partial: list[TypedRecord]) -> list[Problem]:
    """A side meeting falls within the meeting it was part of: its date and its end_date
    (also of a meeting that failed the schema, with the dates that parsed)."""
    problems = []
    for record in facts.of_type("meetings") + [r for r in partial if r.type == "meetings"]:
        parent = facts.get(record.data.part_of) if record.data.part_of else None
        if parent is None or parent.type != "meetings":
            continue
        start = parse_date(parent.data.date)
        end = parse_date(parent.data.end_date or parent.data.date)
        span = parent.data.date + (f" to {parent.data.end_date}" if parent.data.end_date else "")
        for name in ("date", "end_date"):
            value = getattr(record.data, name)
            mine = parse_date(value) if value else None
            if mine is not None and (mine.last < start.first or mine.first > end.last):
                problems.append(
                    record.warning(
                        (name,),
                        "date.outside-parent",
                        f"{name} {value} is outside {parent.id!r} ({span}) that it was part of",
                    )
                )
    return problems
