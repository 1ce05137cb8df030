"""Linked facts -> a stable JSON file per record, an index of them, and the schemas they follow.

`api/<type>/<id>.json` holds the record's fields as the editor wrote them (validated), and for
every reference inside them the target's id, type, name and addresses, and the record's
backlinks: who refers to it and from which field. A renamed record keeps a small file at each
former id (`"renamed_to"`) so a program that stored the old address finds the new one.
`api/index.json` lists every record with its JSON and page addresses. Each kind of file is
described by a JSON Schema published at `schema/api/…` (the record's `fields` by the same
model-generated schema that editors use, so the two cannot drift apart).

Addresses are relative to the site's root (`api/meetings/x.json`, `meetings/x/`), because the
site has no fixed host: it is served online and opened from `file://` in the offline bundle,
where pages are `meetings/x.html` (`directory_urls=False`).

Written with the standard `json` module's C encoder (deterministic for input in a fixed order).
orjson was not tried: with the C encoder the JSON files cost about 2% of a full build's CPU
time at 10,000 records (`make bench`), too little to justify a compiled dependency.
"""

from __future__ import annotations

import json
from typing import Any

from .export import json_schemas
from .link import INLINE_LINK, Facts, record_name
from .link import _markdown_texts as markdown_texts
from .model import TYPES, iter_refs

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def page_url(type_: str, id_: str, directory_urls: bool = True) -> str:
    """The record page's address relative to the site root, as MkDocs writes it."""
    return f"{type_}/{id_}/" if directory_urls else f"{type_}/{id_}.html"


def json_url(type_: str, id_: str) -> str:
    return f"api/{type_}/{id_}.json"


def dumps(value: Any) -> bytes:
    """The one JSON writer of the reuse outputs: UTF-8, one line, a newline at the end.

    Not indented on purpose: with `indent` the standard library falls back from its C encoder to
    the pure-Python one, which was three quarters of the time of api_files (cProfile, 10,000
    records); one line is 4x faster to write and as easy for a program (or `jq`) to read."""
    return (text(value) + "\n").encode()


def text(value: Any) -> str:
    """`dumps` before its newline and encoding: a part of a document written piece by piece
    (popolo.py joins its records' objects)."""
    return json.dumps(value, ensure_ascii=False)


def _target(facts: Facts, id_: str, directory_urls: bool) -> dict[str, str]:
    record = facts.records[id_]
    return {
        "id": id_,
        "type": record.type,
        "name": record_name(record, facts),
        "page": page_url(record.type, id_, directory_urls),
        "json": json_url(record.type, id_),
    }


def record_document(facts: Facts, id_: str, directory_urls: bool = True) -> dict[str, Any]:
    """The JSON document of one record: fields, resolved references, backlinks."""
    record = facts.records[id_]
    references = [
        {"field": ".".join(map(str, loc)), **_target(facts, target, directory_urls)}
        for loc, target, _ in iter_refs(record.data)
    ]
    for loc, text in markdown_texts(record.data):  # [[id]] links, at the field that holds them
        field = ".".join(map(str, loc))
        for target in dict.fromkeys(m.group(1).strip() for m in INLINE_LINK.finditer(text)):
            if target in facts.records and target != id_:
                references.append({"field": field, **_target(facts, target, directory_urls)})
    backlinks = sorted(
        (
            {"field": ".".join(map(str, b.path)), **_target(facts, b.source, directory_urls)}
            for b in facts.backrefs.get(id_, [])
        ),
        key=lambda b: (b["type"], b["id"], b["field"]),
    )
    return {
        "schema": f"schema/api/{record.type}.schema.json",
        **_target(facts, id_, directory_urls),
        "fields": record.data.model_dump(mode="json", exclude_none=True),
        "references": references,
        "backlinks": backlinks,
    }


def api_files(facts: Facts, *, directory_urls: bool = True, memo: Any = None) -> dict[str, bytes]:
    """Return {"api/actors/x.json": bytes, …, "api/index.json": …, "schema/api/…": …}.

    `memo` (incremental.Near): an incremental build's documents of the records its edit did not
    touch (a document reads its record and the records it names and that name it)."""
    files: dict[str, bytes] = {}
    index = []
    for type_ in TYPES:
        for record in facts.of_type(type_):
            make = lambda i=record.id: dumps(record_document(facts, i, directory_urls))  # noqa: E731
            files[json_url(type_, record.id)] = (
                make() if memo is None else memo.get(("api", directory_urls), record.id, make)
            )
            entry = _target(facts, record.id, directory_urls)
            index.append(entry)
    for old, new in sorted(facts.renamed.items()):
        type_ = facts.records[new].type
        files[json_url(type_, old)] = dumps(
            {
                "schema": "schema/api/renamed.schema.json",
                "id": old,
                "type": type_,
                "renamed_to": _target(facts, new, directory_urls),
            }
        )
    files["api/index.json"] = dumps(
        {
            "schema": "schema/api/index.schema.json",
            "records": index,
            "renamed": [
                {"id": old, "renamed_to": new, "json": json_url(facts.records[new].type, old)}
                for old, new in sorted(facts.renamed.items())
            ],
        }
    )
    for name, schema in api_schemas().items():
        files[f"schema/api/{name}.schema.json"] = dumps(schema)
    return files


# ---------------------------------------------------------------------------------------------
# Schemas


def _address(type_: str | None = None) -> dict[str, Any]:
    """The id, type, name and addresses every mention of a record carries."""
    return {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "type": {"enum": [type_]} if type_ else {"enum": list(TYPES)},
        "name": {"type": "string", "minLength": 1},
        "page": {"type": "string", "description": "the record's page, relative to the site root"},
        "json": {"type": "string", "pattern": "^api/[a-z]+/[a-z0-9-]+\\.json$"},
    }


def _closed(properties: dict[str, Any], head: dict[str, Any] | None = None) -> dict[str, Any]:
    """An object that has each of `properties` and nothing else (`head`, e.g. a title, first)."""
    return {
        **(head or {}),
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _mention(description: str) -> dict[str, Any]:
    return _closed({"field": {"type": "string", "description": description}, **_address()})


def api_schemas() -> dict[str, dict[str, Any]]:
    """{"actors": schema, …, "index": …, "renamed": …}: the JSON Schema of each kind of file."""
    out: dict[str, dict[str, Any]] = {}
    for type_, text in json_schemas().items():
        fields = json.loads(text)
        fields.pop("$schema", None)
        defs = fields.pop("$defs", {})
        title = fields.get("title", type_)
        properties = {
            "schema": {"const": f"schema/api/{type_}.schema.json"},
            **_address(type_),
            "fields": {"$ref": f"#/$defs/{title}"},
            "references": {
                "type": "array",
                "description": "every record this one refers to, in field order, then the "
                "[[id]] links in its Markdown fields (field: the one holding the link)",
                "items": _mention("where in this record, e.g. `participants.0.actor`"),
            },
            "backlinks": {
                "type": "array",
                "description": "every record that refers to this one, sorted by type and id",
                "items": _mention("where in the other record, e.g. `cite.0`"),
            },
        }
        head = {"$schema": SCHEMA_DRAFT, "title": f"{title} record (api/{type_}/<id>.json)"}
        out[type_] = {**_closed(properties, head), "$defs": {**defs, title: fields}}
    target = _closed(_address())
    renamed = {
        "schema": {"const": "schema/api/renamed.schema.json"},
        "id": {"type": "string", "description": "the former id"},
        "type": {"enum": list(TYPES)},
        "renamed_to": target,
    }
    title = "A former id of a renamed record (api/<type>/<former id>.json)"
    out["renamed"] = _closed(renamed, {"$schema": SCHEMA_DRAFT, "title": title})
    entry = {key: {"type": "string"} for key in ("id", "renamed_to", "json")}
    index = {
        "schema": {"const": "schema/api/index.schema.json"},
        "records": {"type": "array", "items": target},
        "renamed": {"type": "array", "items": _closed(entry)},
    }
    title = "Every record with its addresses (api/index.json)"
    out["index"] = _closed(index, {"$schema": SCHEMA_DRAFT, "title": title})
    return out
