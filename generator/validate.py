"""Raw records -> typed records + problems. Never raises on bad data."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .characters import check_characters
from .dates import parse_date
from .load import RawRecord
from .model import MODELS, _unwrap, describe_value, field_names
from .problems import Problem, internal
from .words import location

PLACEHOLDER = "FILL-ME"


@dataclass
class TypedRecord:
    """A record that passed the schema: its model instance and where it came from."""

    type: str
    id: str
    path: str
    data: BaseModel
    raw: RawRecord

    def position(self, loc: tuple) -> tuple[int, int]:
        return self.raw.position(loc)

    def error(self, loc: tuple, code: str, message: str, *, near: str = "") -> Problem:
        return self.raw.error(loc, code, message, near=near)

    def warning(self, loc: tuple, code: str, message: str, *, near: str = "") -> Problem:
        return self.raw.warning(loc, code, message, near=near)


def _walk(value: Any, loc: tuple = ()) -> list[tuple[tuple, Any]]:
    """(loc, value) for every value in raw data, each before what it holds.

    Built as one list, not by nested generators: those pass every value up through each level
    it is nested in, and two walks a record cost a third of validating 10,000 of them."""
    out: list[tuple[tuple, Any]] = []

    def visit(value: Any, loc: tuple) -> None:  # `value` is a mapping or a list
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            here = loc + (key,)
            out.append((here, item))
            if isinstance(item, (dict, list)):
                visit(item, here)  # a call a container, not a call a value

    out.append((loc, value))
    if isinstance(value, (dict, list)):
        visit(value, loc)
    return out


def _message(err: dict, model: type[BaseModel]) -> tuple[str, str]:
    """Return (code, message) for one pydantic error."""
    loc = tuple(p for p in err["loc"] if p != "[key]")
    where = location(loc)
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        if name in ("id", "type") and len(loc) == 1:
            return (
                "schema.reserved-field",
                f"{name!r} is not written in the record: the file name is the id and the folder is the type; remove the line",
            )
        allowed = field_names(model, loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed here: {', '.join(allowed)}"
        return "schema.unknown-field", f"unknown field {where!r}: {hint}"
    if kind == "missing":
        return "schema.missing-field", f"missing required field {where!r}: add it"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return (
            "schema.vocabulary",
            f"{where}: {describe_value(value)} is not allowed; choose one of {expected}",
        )
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}.get(
            kind, "a mapping of fields"
        )
        hint = (
            " (quote it)" if kind == "string_type" and not isinstance(value, (dict, list)) else ""
        )
        return "schema.type", f"{where}: expected {wanted}, found {describe_value(value)}{hint}"
    if kind == "too_short":
        if loc and loc[-1] == "cite":
            return "schema.cite-empty", f"{where}: cite at least one source id"
        return "schema.empty", f"{where}: must not be empty"
    if kind.startswith("schema."):  # a code the model's own check gave the error
        return kind, f"{where}: {err['msg']}"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        return "schema.format", f"{where}: {describe_value(value)} does not match {pattern}"
    if kind == "value_error":
        return "schema.value", f"{where}: {err.get('ctx', {}).get('error', err['msg'])}"
    if kind == "string_too_short":
        return "schema.empty", f"{where}: must not be empty: write a value or remove the field"
    return f"schema.{kind}", f"{where}: {err['msg']}"


# Problems that leave a record unusable even when its schema passed (a null was dropped by it).
_BLOCKING = {"schema.null"}


def _nulls_and_placeholders(raw: RawRecord) -> tuple[list[Problem], list[tuple]]:
    """An empty value or an unfilled FILL-ME, and the locations they block (no pydantic noise)."""
    problems: list[Problem] = []
    blocked: list[tuple] = []
    for loc, value in _walk(raw.data):
        if not loc:
            continue
        if value is None:
            message = f"{location(loc)} is empty: write a value or remove the field"
            problems.append(raw.error(loc, "schema.null", message))
            blocked.append(loc)
        elif isinstance(value, str) and value.lstrip().upper().startswith(PLACEHOLDER):
            message = f"{location(loc)} is still a placeholder: {value.strip()}"
            problems.append(raw.error(loc, "placeholder.unfilled", message))
            blocked.append(loc)
    return problems, blocked


def _schema_problems(raw: RawRecord, exc: ValidationError, blocked: list[tuple]) -> list[Problem]:
    problems: list[Problem] = []
    model = MODELS[raw.type]
    for err in exc.errors():
        clean = tuple(p for p in err["loc"] if p != "[key]")
        if any(clean[: len(b)] == b for b in blocked):
            continue
        try:
            code, message = _message(err, model)
        except Exception as bug:  # noqa: BLE001 - a bug must not lose the other problems
            problems.append(internal(raw.path, "validate", "describing a schema error", bug))
            continue
        problems.append(raw.error(clean, code, message))
    return problems


def validate_record(raw: RawRecord) -> tuple[TypedRecord | None, list[Problem]]:
    """Check one raw record against its model; return the typed record when it passes.

    Never raises: a bug in one check is one `internal.validate` problem, and every problem
    found before it and by the other checks is kept."""
    try:
        problems, blocked = _nulls_and_placeholders(raw)
    except Exception as exc:  # noqa: BLE001
        problems, blocked = [internal(raw.path, "validate", "looking for empty values", exc)], []
    problems += check_record(raw)
    problems += check_characters(raw)
    try:
        data = MODELS[raw.type].model_validate(raw.data)
    except ValidationError as exc:
        return None, problems + _schema_problems(raw, exc, blocked)
    except Exception as exc:  # noqa: BLE001 - a bug must not become a traceback
        return None, problems + [internal(raw.path, "validate", "validating", exc)]
    if any(p.code in _BLOCKING or p.code.startswith("placeholder.") for p in problems):
        return None, problems
    return TypedRecord(raw.type, raw.id, raw.path, data, raw), problems


def partial_record(raw: RawRecord) -> tuple[TypedRecord | None, list[Problem]]:
    """The fields of a record that failed the schema which parsed, for the checks across records.

    Every value the schema, a null or a placeholder faulted is left out (None, or the field's
    default), and nothing inside it is read: a field that did not parse is checked no further.
    The others hold exactly what they would in a valid record (the models are strict: a value
    that passed is the value written), so references, citations and [[id]] links in them are
    resolved like any other's. The model is built without validation (`model_construct`): the
    record is never rendered. Never raises: a bug is one `internal.validate` problem."""
    try:
        _, blocked = _nulls_and_placeholders(raw)
        model = MODELS[raw.type]
        try:
            model.model_validate(raw.data)
            faulted: list[tuple] = []
        except ValidationError as exc:
            faulted = [tuple(p for p in e["loc"] if p != "[key]") for e in exc.errors()]
        bad = set(faulted) | set(blocked)
        prefixes = {loc[:n] for loc in bad for n in range(len(loc) + 1)}
        data = _partial(model, raw.data, (), bad, prefixes)
        return TypedRecord(raw.type, raw.id, raw.path, data, raw), []
    except Exception as exc:  # noqa: BLE001 - a bug must not become a traceback
        return None, [internal(raw.path, "validate", "reading the fields that parsed", exc)]


def _absent(field_: FieldInfo) -> Any:
    return None if field_.is_required() else field_.get_default(call_default_factory=True)


def _partial(model: type[BaseModel], data: Any, loc: tuple, bad: set, prefixes: set) -> Any:
    """`model` built from `data` at `loc`, without the faulted values (`bad`) and what is in them.

    `prefixes` holds every ancestor of a faulted location: a value whose location is not among
    them holds no fault at all and is taken whole."""
    values: dict[str, Any] = {}
    for name, field_ in model.model_fields.items():
        here = loc + (name,)
        if name not in data or here in bad:
            values[name] = _absent(field_)
        else:
            values[name] = _salvage(field_.annotation, data[name], here, bad, prefixes)
            if values[name] is None:
                values[name] = _absent(field_)
    return model.model_construct(**values)


def _salvage(annotation: Any, value: Any, loc: tuple, bad: set, prefixes: set) -> Any:
    """The parsed part of `value` (of type `annotation`, at a location not itself faulted)."""
    kind, _ = _unwrap(annotation)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return _partial(kind, value, loc, bad, prefixes) if isinstance(value, dict) else None
    if get_origin(kind) is list:
        if not isinstance(value, list):
            return None
        inner = get_args(kind)[0]
        return [
            None if loc + (index,) in bad else _salvage(inner, item, loc + (index,), bad, prefixes)
            for index, item in enumerate(value)
        ]
    if loc in prefixes:  # a mapping with a faulted key or value: none of it (it holds no ids)
        return None
    if kind is str:
        return value if isinstance(value, str) else None
    if get_origin(kind) is Literal:
        return value if value in get_args(kind) else None
    if get_origin(kind) is dict:
        return value if isinstance(value, dict) else None
    return None


def _date(value: Any):
    """The interval of a raw date value, or None when it is no valid date (reported elsewhere)."""
    try:
        return parse_date(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _ordered(raw: RawRecord, loc: tuple, start: Any, end: Any, what: str) -> list[Problem]:
    """A problem when the interval `end` lies wholly before the interval `start`."""
    first, last = _date(start), _date(end)
    if first is None or last is None or last.last >= first.first:
        return []
    return [
        raw.error(loc, "date.order", f"{what} {end} is before the start {start}: fix one of them")
    ]


def _items(value: Any) -> list[tuple[int, dict]]:
    """(index, mapping) for the mappings in a raw list; anything else is the schema's business."""
    return (
        [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def _duplicates(raw: RawRecord) -> list[Problem]:
    """A repeated id or text in a list, a participant listed twice: slips."""
    problems: list[Problem] = []
    for loc, value in _walk(raw.data):
        if isinstance(value, list):
            seen: set[str] = set()
            for index, item in enumerate(value):
                if isinstance(item, str) and item in seen:
                    where = loc + (index,)
                    message = f"{location(where)}: {item!r} is listed twice: remove one"
                    problems.append(raw.error(where, "schema.duplicate", message))
                elif isinstance(item, str):
                    seen.add(item)
    actors: set[str] = set()
    for index, participant in _items(raw.data.get("participants")):
        actor = participant.get("actor")
        if not isinstance(actor, str):
            continue  # the schema reports a list or a mapping here
        if actor in actors:
            problems.append(
                raw.error(
                    ("participants", index, "actor"),
                    "schema.duplicate",
                    f"participants[{index}].actor: {actor!r} is already a participant: merge the two entries",
                )
            )
        actors.add(actor)
    return problems


def _date_order(raw: RawRecord) -> list[Problem]:
    """An end before its start: a meeting's end_date, a post's end."""
    data = raw.data
    problems: list[Problem] = []
    if raw.type == "meetings":
        problems += _ordered(raw, ("end_date",), data.get("date"), data.get("end_date"), "end_date")
    for index, post in _items(data.get("posts")):
        problems += _ordered(
            raw, ("posts", index, "end"), post.get("start"), post.get("end"), "end"
        )
    return problems


def _disagreement_fields(raw: RawRecord) -> list[Problem]:
    """A disagreement names a field the record has (and not its provenance)."""
    fields = MODELS[raw.type].model_fields
    problems: list[Problem] = []
    for index, disagreement in _items(raw.data.get("disagreements")):
        field = disagreement.get("field")
        head = field.split(".")[0] if isinstance(field, str) else None
        if head is not None and (
            head not in fields or head in ("cite", "status", "disagreements", "former_ids")
        ):
            problems.append(
                raw.error(
                    ("disagreements", index, "field"),
                    "disagreement.unknown-field",
                    f"disagreements[{index}].field: {head!r} is not a field of this record",
                )
            )
    return problems


def _former_ids(raw: RawRecord) -> list[Problem]:
    former = raw.data.get("former_ids")
    if isinstance(former, list) and raw.id in former:
        message = f"former_ids lists the record's own id {raw.id!r}: remove it"
        return [raw.error(("former_ids",), "rename.self", message)]
    return []


# Checks inside one record that the schema cannot express, in the order they report.
RECORD_CHECKS: tuple[Callable[[RawRecord], list[Problem]], ...] = (
    _duplicates,
    _date_order,
    _disagreement_fields,
    _former_ids,
)


def check_record(raw: RawRecord) -> list[Problem]:
    """Run every record-level check; a check that fails is one problem, the others still run.

    They read the raw data, so they run even when the schema check failed: every problem of a
    record is reported in one run, not one layer at a time.
    """
    problems: list[Problem] = []
    for record_check in RECORD_CHECKS:
        try:
            problems += record_check(raw)
        except Exception as exc:  # noqa: BLE001 - a bug must not become a traceback
            problems.append(
                internal(raw.path, "validate", f"checking ({record_check.__name__})", exc)
            )
    return problems


def validate_records(
    raws: list[RawRecord],
    validate: Callable[[RawRecord], tuple[TypedRecord | None, list[Problem]]] | None = None,
) -> tuple[list[TypedRecord], list[Problem]]:
    """Validate each record (`validate_record`; the incremental build passes one that remembers)."""
    records: list[TypedRecord] = []
    problems: list[Problem] = []
    for raw in raws:
        record, found = (validate or validate_record)(raw)
        problems.extend(found)
        if record is not None:
            records.append(record)
    return records, problems
