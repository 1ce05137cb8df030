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


def _row_and_json(record: Any) -> tuple[dict[str, Any], str]:
    row = _row(record)
    return row, row_json(row)


def rows_and_json(facts: Facts, memo: Any = None) -> tuple[list[dict[str, Any]], list[str]]:
    """record_dicts(facts) and each row's row_json. `memo` (incremental.Near): an incremental
    build's rows of the records not touched by the edit, which are not dumped again."""
    out: list[tuple[dict[str, Any], str]] = []
    for type_ in sorted(TYPES):
        for record in facts.of_type(type_):
            if memo is None:
                out.append(_row_and_json(record))
            else:
                out.append(memo.get("row", record.id, lambda r=record: _row_and_json(r)))
    return [row for row, _ in out], [text for _, text in out]


def to_json(
    facts: Facts, rows: list[dict[str, Any]] | None = None, texts: list[str] | None = None
) -> str:
    """`rows`: record_dicts(facts), when the caller has them already (the site writes both);
    `texts`: their row_json. The same text as json.dumps({"records": rows}, indent=2), made of
    one piece a record so that an unchanged record's piece can be kept (tests/test_incremental.py)."""
    rows = record_dicts(facts) if rows is None else rows
    if not rows:
        return json.dumps({"records": []}, indent=2) + "\n"
    texts = [row_json(row) for row in rows] if texts is None else texts
    return '{\n  "records": [\n' + ",\n".join(texts) + "\n  ]\n}\n"


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


def to_csv(facts: Facts, rows: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """Return {"actors.csv": text, ...}; nested values are JSON in their cell, and a cell that
    begins with = + - @, a tab or a carriage return is prefixed with ' (see FORMULA_START)."""
    files = {}
    by_type: dict[str, list[dict[str, Any]]] = {t: [] for t in TYPES}
    for row in record_dicts(facts) if rows is None else rows:
        by_type[row["type"]].append(row)
    for type_ in TYPES:
        columns = ["id", *MODELS[type_].model_fields]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in by_type[type_]:
            writer.writerow({column: csv_cell(row.get(column)) for column in columns})
        files[f"{type_}.csv"] = buffer.getvalue()
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
