"""Facts -> machine-readable forms: one JSON document, one CSV file per type, JSON Schemas."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from .link import Facts
from .model import MODELS, TYPES


def _row(record: Any) -> dict[str, Any]:
    fields = record.data.model_dump(mode="json", exclude_none=True)
    return {"type": record.type, "id": record.id, **fields}


def record_dicts(facts: Facts) -> list[dict[str, Any]]:
    """Every record as a plain dict with its `type` and `id` first, sorted by type then id."""
    return [_row(record) for type_ in sorted(TYPES) for record in facts.of_type(type_)]


def row_json(row: dict[str, Any]) -> str:
    """A row as it stands in facts.json: indented to its place in the `records` list."""
    return "    " + json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n    ")


# OWASP's CSV injection advice: a cell a spreadsheet would read as a formula (or whose leading
# tab or carriage return hides one) starts with a single quote, which spreadsheets show as text.
# The JSON export keeps every value exactly as written.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One CSV cell: lists and mappings as JSON; text that could run as a formula neutralised."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_columns(type_: str) -> list[str]:
    return ["id", *MODELS[type_].model_fields]


def csv_line(row: dict[str, Any]) -> str:
    """A row as its line (or lines: a cell may hold a newline) of its type's CSV file."""
    buffer = io.StringIO()
    cells = [csv_cell(row.get(column)) for column in csv_columns(row["type"])]
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _pieces(record: Any) -> tuple[str, str]:
    """A record's CSV line and its piece of facts.json: the text, not the row, is what is kept
    (incremental.Near), the row dict being several times its size."""
    row = _row(record)
    return csv_line(row), row_json(row)


def record_pieces(facts: Facts, memo: Any = None) -> list[tuple[str, str, str]]:
    """(type, CSV line, facts.json piece) of every record, sorted by type then id. `memo`
    (incremental.Near): an incremental build's pieces of the records not touched by the edit,
    which are not dumped again."""
    out: list[tuple[str, str, str]] = []
    for type_ in sorted(TYPES):
        for record in facts.of_type(type_):
            if memo is None:
                line, text = _pieces(record)
            else:
                line, text = memo.get("row", record.id, lambda r=record: _pieces(r))
            out.append((type_, line, text))
    return out


def to_json(facts: Facts, pieces: list[tuple[str, str, str]] | None = None) -> str:
    """The same text as json.dumps({"records": record_dicts(facts)}, indent=2), made of one
    piece a record so that an unchanged record's piece can be kept (tests/test_incremental.py).
    `pieces`: record_pieces(facts), when the caller has them already (the site writes both)."""
    pieces = record_pieces(facts) if pieces is None else pieces
    if not pieces:
        return json.dumps({"records": []}, indent=2) + "\n"
    return '{\n  "records": [\n' + ",\n".join(text for _, _, text in pieces) + "\n  ]\n}\n"


def to_csv(facts: Facts, pieces: list[tuple[str, str, str]] | None = None) -> dict[str, str]:
    """Return {"actors.csv": text, ...}; nested values are JSON in their cell, and a cell that
    begins with = + - @, a tab or a carriage return is prefixed with ' (see FORMULA_START).
    `pieces`: as for to_json."""
    lines: dict[str, list[str]] = {t: [] for t in TYPES}
    for type_, line, _ in record_pieces(facts) if pieces is None else pieces:
        lines[type_].append(line)
    files = {}
    for type_ in TYPES:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(csv_columns(type_))
        files[f"{type_}.csv"] = buffer.getvalue() + "".join(lines[type_])
    return files


class _EditorSchema(GenerateJsonSchema):
    """The model's JSON Schema as the validator reads it, with the vocabularies explained.

    The validator refuses an empty value (`summary:` is null to YAML) even in an optional field, so
    null is left out; a mapping keyed by a pattern (language codes) refuses other keys (each
    vocabulary term's meaning comes from model.Vocabulary).
    """

    def nullable_schema(self, schema):
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema):
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema

    def dict_schema(self, schema):
        json_schema = super().dict_schema(schema)
        if "patternProperties" in json_schema:
            json_schema["additionalProperties"] = False
        return json_schema


def json_schemas() -> dict[str, str]:
    """Return {"actors": schema text, ...} generated from the model (one source of truth)."""
    out = {}
    for type_, model in MODELS.items():
        schema = model.model_json_schema(schema_generator=_EditorSchema)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
        }
        out[type_] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return out
