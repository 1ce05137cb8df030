"""Raw records -> typed records + problems. Never raises on bad data."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .characters import check_characters
from .dates import parse_date
from .load import RawRecord
from .model import MODELS, NOT_BLANK, field_names
from .problems import Problem, error

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


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return repr(value)


def _walk(value: Any, loc: tuple = ()):
    """Yield (loc, value) for every value in raw data."""
    yield loc, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, loc + (index,))


def _message(err: dict, model: type[BaseModel]) -> tuple[str, str]:
    """Return (code, message) for one pydantic error."""
    loc = tuple(p for p in err["loc"] if p != "[key]")
    where = _dotted(loc)
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
            f"{where}: {_describe(value)} is not allowed; choose one of {expected}",
        )
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}.get(
            kind, "a mapping of fields"
        )
        hint = (
            " (quote it)" if kind == "string_type" and not isinstance(value, (dict, list)) else ""
        )
        return "schema.type", f"{where}: expected {wanted}, found {_describe(value)}{hint}"
    if kind == "too_short":
        if loc and loc[-1] == "cite":
            return "schema.cite-empty", f"{where}: cite at least one source id"
        return "schema.empty", f"{where}: must not be empty"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern == NOT_BLANK:
            return "schema.empty", f"{where}: is blank: write a value or remove the field"
        if "[0-9]{4}" in pattern:
            return (
                "schema.date",
                f"{where}: {_describe(value)} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
            )
        if "a-z0-9" in pattern and "[a-z]{2,3}" not in pattern:
            return (
                "schema.id",
                f"{where}: {_describe(value)} is not a valid id (lowercase a-z, 0-9 and single hyphens)",
            )
        if "[a-z]{2,3}" in pattern:
            return (
                "schema.language",
                f"{where}: {_describe(value)} is not a language code (e.g. en, ru, hi, zh)",
            )
        return "schema.format", f"{where}: {_describe(value)} does not match {pattern}"
    if kind == "value_error":
        text = str(err.get("ctx", {}).get("error", err["msg"]))
        code = (
            "schema.date"
            if "date" in text or "day" in text or "month" in text or "year" in text
            else "schema.value"
        )
        return code, f"{where}: {text}"
    if kind == "string_too_short":
        return "schema.empty", f"{where}: must not be empty: write a value or remove the field"
    return f"schema.{kind}", f"{where}: {err['msg']}"


# Problems that leave a record unusable even when its schema passed (a null was dropped by it).
_BLOCKING = {"schema.null"}


def validate_record(raw: RawRecord) -> tuple[TypedRecord | None, list[Problem]]:
    """Check one raw record against its model; return the typed record when it passes."""
    model = MODELS[raw.type]
    problems: list[Problem] = []
    blocked: list[
        tuple
    ] = []  # locations already reported (null, placeholder): skip pydantic noise there
    for loc, value in _walk(raw.data):
        if not loc:
            continue
        if value is None:
            line, column = raw.position(loc)
            problems.append(
                error(
                    raw.path,
                    line,
                    column,
                    "schema.null",
                    f"{_dotted(loc)} is empty: write a value or remove the field",
                )
            )
            blocked.append(loc)
        elif isinstance(value, str) and value.lstrip().upper().startswith(PLACEHOLDER):
            line, column = raw.position(loc)
            problems.append(
                error(
                    raw.path,
                    line,
                    column,
                    "placeholder.unfilled",
                    f"{_dotted(loc)} is still a placeholder: {value.strip()}",
                )
            )
            blocked.append(loc)
    problems += check_record(raw)
    problems += check_characters(raw)
    try:
        data = model.model_validate(raw.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            clean = tuple(p for p in loc if p != "[key]")
            if any(clean[: len(b)] == b for b in blocked):
                continue
            code, message = _message(err, model)
            line, column = raw.position(clean)
            problems.append(error(raw.path, line, column, code, message))
        return None, problems
    except Exception as exc:  # noqa: BLE001 - a bug must not become a traceback
        return None, [
            error(raw.path, 1, 1, "internal.validate", f"internal error while validating: {exc!r}")
        ]
    if any(p.code in _BLOCKING or p.code.startswith("placeholder.") for p in problems):
        return None, problems
    return TypedRecord(raw.type, raw.id, raw.path, data, raw), problems


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
    line, column = raw.position(loc)
    return [
        error(
            raw.path,
            line,
            column,
            "date.order",
            f"{what} {end} is before the start {start}: fix one of them",
        )
    ]


def _items(value: Any) -> list[tuple[int, dict]]:
    """(index, mapping) for the mappings in a raw list; anything else is the schema's business."""
    return (
        [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def check_record(raw: RawRecord) -> list[Problem]:
    """Checks inside one record that the schema cannot express.

    They read the raw data, so they run even when the schema check failed: every problem of a
    record is reported in one run, not one layer at a time.
    """
    data = raw.data
    problems: list[Problem] = []

    def duplicate(loc: tuple, message: str) -> None:
        line, column = raw.position(loc)
        problems.append(error(raw.path, line, column, "schema.duplicate", message))

    for loc, value in _walk(data):  # a repeated id or text in a list is a slip
        if isinstance(value, list):
            seen: set[str] = set()
            for index, item in enumerate(value):
                if isinstance(item, str) and item in seen:
                    duplicate(
                        loc + (index,),
                        f"{_dotted(loc + (index,))}: {item!r} is listed twice: remove one",
                    )
                elif isinstance(item, str):
                    seen.add(item)
    actors: set[str] = set()
    for index, participant in _items(data.get("participants")):
        actor = participant.get("actor")
        if isinstance(actor, str) and actor in actors:
            duplicate(
                ("participants", index, "actor"),
                f"participants[{index}].actor: {actor!r} is already a participant: merge the two entries",
            )
        actors.add(actor)
    if raw.type == "meetings":
        problems += _ordered(raw, ("end_date",), data.get("date"), data.get("end_date"), "end_date")
    for index, post in _items(data.get("posts")):
        problems += _ordered(
            raw, ("posts", index, "end"), post.get("start"), post.get("end"), "end"
        )
    fields = MODELS[raw.type].model_fields
    for index, disagreement in _items(data.get("disagreements")):
        field = disagreement.get("field")
        head = field.split(".")[0] if isinstance(field, str) else None
        if head is not None and (
            head not in fields or head in ("cite", "status", "disagreements", "former_ids")
        ):
            line, column = raw.position(("disagreements", index, "field"))
            problems.append(
                error(
                    raw.path,
                    line,
                    column,
                    "disagreement.unknown-field",
                    f"disagreements[{index}].field: {head!r} is not a field of this record",
                )
            )
    former = data.get("former_ids")
    if isinstance(former, list) and raw.id in former:
        line, column = raw.position(("former_ids",))
        problems.append(
            error(
                raw.path,
                line,
                column,
                "rename.self",
                f"former_ids lists the record's own id {raw.id!r}: remove it",
            )
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
