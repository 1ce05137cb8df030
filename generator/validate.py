"""Raw records -> typed records + problems. Never raises on bad data."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .load import RawRecord
from .model import MODELS, NOT_BLANK, field_names, parse_date
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
    if problems:
        return None, problems
    record = TypedRecord(raw.type, raw.id, raw.path, data, raw)
    return record, check_record(record)


def _ordered(record: TypedRecord, loc: tuple, start: str | None, end: str | None, what: str):
    """Yield a problem when the interval `end` lies wholly before the interval `start`."""
    if start and end and parse_date(end).last < parse_date(start).first:
        line, column = record.position(loc)
        yield error(
            record.path,
            line,
            column,
            "date.order",
            f"{what} {end} is before the start {start}: fix one of them",
        )


def check_record(record: TypedRecord) -> list[Problem]:
    """Checks inside one typed record that the schema cannot express."""
    data: Any = record.data
    problems: list[Problem] = []
    for loc, value in _walk(record.raw.data):  # a repeated id or text in a list is a slip
        if isinstance(value, list):
            seen: set[str] = set()
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    continue
                if item in seen:
                    line, column = record.position(loc + (index,))
                    problems.append(
                        error(
                            record.path,
                            line,
                            column,
                            "schema.duplicate",
                            f"{_dotted(loc + (index,))}: {item!r} is listed twice: remove one",
                        )
                    )
                seen.add(item)
    actors: set[str] = set()
    for index, participant in enumerate(getattr(data, "participants", [])):
        if participant.actor in actors:
            line, column = record.position(("participants", index, "actor"))
            problems.append(
                error(
                    record.path,
                    line,
                    column,
                    "schema.duplicate",
                    f"participants[{index}].actor: {participant.actor!r} is already a participant: merge the two entries",
                )
            )
        actors.add(participant.actor)
    if record.type == "meetings":
        problems += _ordered(record, ("end_date",), data.date, data.end_date, "end_date")
    for index, post in enumerate(getattr(data, "posts", [])):
        problems += _ordered(record, ("posts", index, "end"), post.start, post.end, "end")
    fields = type(data).model_fields
    for index, disagreement in enumerate(getattr(data, "disagreements", [])):
        head = disagreement.field.split(".")[0]
        if head not in fields or head in ("cite", "status", "disagreements", "former_ids"):
            line, column = record.position(("disagreements", index, "field"))
            problems.append(
                error(
                    record.path,
                    line,
                    column,
                    "disagreement.unknown-field",
                    f"disagreements[{index}].field: {head!r} is not a field of this record",
                )
            )
    if record.id in getattr(data, "former_ids", []):
        line, column = record.position(("former_ids",))
        problems.append(
            error(
                record.path,
                line,
                column,
                "rename.self",
                f"former_ids lists the record's own id {record.id!r}: remove it",
            )
        )
    return problems


def validate_records(raws: list[RawRecord]) -> tuple[list[TypedRecord], list[Problem]]:
    records: list[TypedRecord] = []
    problems: list[Problem] = []
    for raw in raws:
        record, found = validate_record(raw)
        problems.extend(found)
        if record is not None:
            records.append(record)
    return records, problems
