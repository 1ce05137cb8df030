"""Facts -> machine-readable forms: one JSON document, one CSV file per type, JSON Schemas."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .link import Facts
from .model import MODELS, TYPES


def record_dicts(facts: Facts) -> list[dict[str, Any]]:
    """Every record as a plain dict with its `type` and `id` first, sorted by type then id."""
    out = []
    for type_ in TYPES:
        for record in facts.of_type(type_):
            fields = record.data.model_dump(mode="json", exclude_none=True)
            out.append({"type": record.type, "id": record.id, **fields})
    return out


def to_json(facts: Facts) -> str:
    return json.dumps({"records": record_dicts(facts)}, ensure_ascii=False, indent=2) + "\n"


def to_csv(facts: Facts) -> dict[str, str]:
    """Return {"actors.csv": text, ...}; nested values are JSON in their cell."""
    files = {}
    by_type: dict[str, list[dict[str, Any]]] = {t: [] for t in TYPES}
    for row in record_dicts(facts):
        by_type[row["type"]].append(row)
    for type_ in TYPES:
        columns = ["id", *MODELS[type_].model_fields]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in by_type[type_]:
            writer.writerow(
                {
                    column: (
                        json.dumps(row[column], ensure_ascii=False)
                        if isinstance(row.get(column), (list, dict))
                        else row.get(column, "")
                    )
                    for column in columns
                }
            )
        files[f"{type_}.csv"] = buffer.getvalue()
    return files


def json_schemas() -> dict[str, str]:
    """Return {"actors": schema text, ...} generated from the model (one source of truth)."""
    out = {}
    for type_, model in MODELS.items():
        schema = model.model_json_schema()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
        }
        out[type_] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return out
