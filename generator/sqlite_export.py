"""Linked facts -> `data/facts.db`, a SQLite database to query (as Datasette would serve it).

Tables (columns follow model.py, so a new field appears here by itself):

* one per type (`actors`, `places`, `meetings`, `positions`, `topics`, `sources`): a column per
  field; plain values as TEXT, lists and mappings as JSON text (SQLite's `json_each` reads
  them); a reference column declares a foreign key to its target's table; a date column
  `d` also has `d_first` and `d_last`, the first and last day it covers (`2025-06` →
  2025-06-01, 2025-06-30), to sort and compare dates of any precision; plus `name` (how the
  site names the record) and `page` (its page, relative to the site root);
* `records`: every id with its type and name (the target of the links below);
* `participants` (meeting, actor, role, post, on_behalf_of), `posts` (actor, organisation,
  title, start/end/attested), `citations` (record, field, source: every `cite` entry, the
  participants', posts', quotes' and disagreements' too) and `topic_links` (record, field,
  topic: meetings' topics, positions' topic, topics' parent);
* `search`: an FTS5 index over names, aliases and every text field (diacritics folded);
* `docs`: what each table holds and three example queries, with their SQL.

The file is byte-identical across builds of the same facts: it is built in memory in one
order (types, then ids, then list order) and serialised with `Connection.serialize()`, so no
journal, clock or file name goes into it. Python's own `sqlite3` does all of it (FTS5 is
in the SQLite library it links here; tests/test_sqlite.py would fail without it). sqlite-utils was considered and not measured: what
it would save is the CREATE TABLE statements, which here come from the model in a few lines,
and its foreign keys and FTS set-up would be a second description of the same tables.
At 10,000 records the database takes about 1 s of CPU time (`make bench`).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, get_origin

from .api import page_url
from .dates import DATE_PATTERN, parse_date
from .link import Facts, record_name
from .model import MARKDOWN_FIELDS, MODELS, TYPES, Ref, _unwrap, iter_refs

EXAMPLES = [
    (
        "meetings-attended",
        "Every meeting Rajnath Singh attended, by date",
        """SELECT m.date, m.id, m.title, p.role, p.post
FROM participants AS p JOIN meetings AS m ON m.id = p.meeting
WHERE p.actor = 'rajnath-singh'
ORDER BY m.date_first, m.date_last, m.id""",
    ),
    (
        "positions-beneath-topic",
        "Positions on topics beneath counter-terrorism (and on it)",
        """WITH RECURSIVE beneath(id) AS (
  SELECT 'counter-terrorism'
  UNION SELECT t.id FROM topics AS t JOIN beneath AS b ON t.parent = b.id
)
SELECT p.id, p.holder, p.stance, p.topic, p.date
FROM positions AS p JOIN beneath AS b ON p.topic = b.id
ORDER BY p.date_first, p.id""",
    ),
    (
        "records-citing-source",
        "Records citing a source (here: seed-article)",
        """SELECT DISTINCT c.record, r.type, r.name
FROM citations AS c JOIN records AS r ON r.id = c.record
WHERE c.source = 'seed-article'
ORDER BY r.type, c.record""",
    ),
]

TABLE_DOCS = {
    "records": "every record: id, type, name, page",
    "participants": "who took part in which meeting (meeting, actor, role, post, on_behalf_of)",
    "posts": "posts and memberships held by actors (actor, organisation, title, start, end, attested)",
    "citations": "every citation: record, field (e.g. participants.0.cite.0), source",
    "topic_links": "records linked to topics: meetings' topics, positions' topic, topics' parent",
    "search": "FTS5 full-text index: SELECT id, type FROM search WHERE search MATCH 'qingdao'",
    "docs": "this table: what each table holds, and example queries",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(model: type) -> list[tuple[str, str, str | None, bool]]:
    """(field, how, referenced table, is a date) for each field: how is "text" or "json"."""
    out = []
    for name, field in model.model_fields.items():
        annotation, metadata = _unwrap(field.annotation)
        metadata += list(field.metadata)
        marker = next((m for m in metadata if isinstance(m, Ref)), None)
        is_date = any(getattr(m, "pattern", None) == DATE_PATTERN for m in metadata)
        nested = get_origin(annotation) in (list, dict) or _is_model(annotation)
        how = "json" if nested else "text"
        out.append((name, how, marker.types[0] if marker else None, is_date))
    return out


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and hasattr(annotation, "model_fields")


def _ddl() -> list[str]:
    statements = [
        "CREATE TABLE records (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, "
        "page TEXT NOT NULL) STRICT"
    ]
    for type_ in TYPES:
        cols = ["id TEXT PRIMARY KEY REFERENCES records(id)"]
        if "name" not in MODELS[type_].model_fields:
            cols.append("name TEXT NOT NULL")
        for name, _how, target, is_date in _columns(MODELS[type_]):
            ref = f" REFERENCES {target}(id)" if target else ""
            cols.append(f"{_quote(name)} TEXT{ref}")
            if is_date:
                cols += [f"{_quote(name + '_first')} TEXT", f"{_quote(name + '_last')} TEXT"]
        cols.append("page TEXT NOT NULL")
        statements.append(f"CREATE TABLE {type_} ({', '.join(cols)}) STRICT")
    statements += [
        "CREATE TABLE participants (meeting TEXT NOT NULL REFERENCES meetings(id), "
        "position INTEGER NOT NULL, actor TEXT NOT NULL REFERENCES actors(id), role TEXT, "
        "post TEXT, on_behalf_of TEXT REFERENCES actors(id), PRIMARY KEY (meeting, position)) STRICT",
        "CREATE TABLE posts (actor TEXT NOT NULL REFERENCES actors(id), position INTEGER NOT NULL, "
        "organisation TEXT NOT NULL REFERENCES actors(id), title TEXT NOT NULL, start TEXT, "
        '"end" TEXT, attested TEXT, PRIMARY KEY (actor, position)) STRICT',
        "CREATE TABLE citations (record TEXT NOT NULL REFERENCES records(id), field TEXT NOT NULL, "
        "source TEXT NOT NULL REFERENCES sources(id), PRIMARY KEY (record, field)) STRICT",
        "CREATE TABLE topic_links (record TEXT NOT NULL REFERENCES records(id), "
        "field TEXT NOT NULL, topic TEXT NOT NULL REFERENCES topics(id), "
        "PRIMARY KEY (record, field)) STRICT",
        "CREATE TABLE docs (name TEXT PRIMARY KEY, description TEXT NOT NULL, sql TEXT) STRICT",
        "CREATE VIRTUAL TABLE search USING fts5(id UNINDEXED, type UNINDEXED, name, text, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        "CREATE INDEX participants_actor ON participants(actor)",
        "CREATE INDEX citations_source ON citations(source)",
        "CREATE INDEX topic_links_topic ON topic_links(topic)",
    ]
    return statements


def _texts(record: Any) -> list[str]:
    """Every text an editor wrote in a record, for the full-text index."""
    data = record.data
    out: list[str] = list(getattr(data, "aliases", []))
    out += list(getattr(data, "native_names", {}).values())

    def walk(value: Any) -> None:
        if _is_model(type(value)):
            for name in type(value).model_fields:
                item = getattr(value, name)
                if name in MARKDOWN_FIELDS or name in ("text", "translation", "post", "title"):
                    out.extend(item if isinstance(item, list) else [item] if item else [])
                elif isinstance(item, list):
                    for element in item:
                        walk(element)

    walk(data)
    return [t for t in out if isinstance(t, str)]


def _record_rows(record: Any, facts: Facts, columns: list, directory_urls: bool) -> tuple:
    """What one record puts in the tables: (records row, its type's row, search row, citations,
    topic links, participants, posts)."""
    type_ = record.type
    name = record_name(record, facts)
    page = page_url(type_, record.id, directory_urls)
    row: list[Any] = [record.id]
    if "name" not in MODELS[type_].model_fields:
        row.append(name)
    for field, how, _, is_date in columns:
        value = getattr(record.data, field)
        if how == "json":
            dumped = record.data.model_dump(mode="json", include={field})[field]
            row.append(json.dumps(dumped, ensure_ascii=False, sort_keys=True))
        else:
            row.append(value)
        if is_date:
            interval = parse_date(value) if value else None
            row += [
                interval.first.isoformat() if interval else None,
                interval.last.isoformat() if interval else None,
            ]
    row.append(page)
    citations, topic_links, participants, posts = [], [], [], []
    for loc, target, ref in iter_refs(record.data):
        field = ".".join(map(str, loc))
        if ref.types == ("sources",):
            citations.append((record.id, field, target))
        elif ref.types == ("topics",):
            topic_links.append((record.id, field, target))
    data: Any = record.data
    if type_ == "meetings":
        for index, p in enumerate(data.participants):
            participants.append((record.id, index, p.actor, p.role, p.post, p.on_behalf_of))
    if type_ == "actors":
        for index, p in enumerate(data.posts):
            posts.append((record.id, index, p.organisation, p.title, p.start, p.end, p.attested))
    return (
        (record.id, type_, name, page),
        row,
        (record.id, type_, name, "\n".join(_texts(record))),
        citations,
        topic_links,
        participants,
        posts,
    )


def facts_database(facts: Facts, *, directory_urls: bool = True, memo: Any = None) -> bytes:
    """Build the database in memory and return its bytes. `memo` (incremental.Near): an
    incremental build's rows of the records its edit did not touch."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("PRAGMA page_size = 4096")
        for statement in _ddl():
            db.execute(statement)
        records, search = [], []
        participants, posts, citations, topic_links = [], [], [], []
        for type_ in TYPES:
            columns = _columns(MODELS[type_])
            rows = []
            for record in facts.of_type(type_):
                make = lambda r=record, c=columns: _record_rows(r, facts, c, directory_urls)  # noqa: E731
                made = (
                    make() if memo is None else memo.get(("sql", directory_urls), record.id, make)
                )
                records.append(made[0])
                rows.append(made[1])
                search.append(made[2])
                citations += made[3]
                topic_links += made[4]
                participants += made[5]
                posts += made[6]
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                db.executemany(f"INSERT INTO {type_} VALUES ({marks})", rows)
        db.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", records)
        db.executemany("INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?)", participants)
        db.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?)", posts)
        db.executemany("INSERT INTO citations VALUES (?, ?, ?)", citations)
        db.executemany("INSERT INTO topic_links VALUES (?, ?, ?)", topic_links)
        db.executemany("INSERT INTO search VALUES (?, ?, ?, ?)", search)
        docs = [(t, f"one row per {t[:-1]} record: a column per field", None) for t in TYPES]
        docs += [(name, text, None) for name, text in TABLE_DOCS.items()]
        docs += [(f"example:{key}", title, sql) for key, title, sql in EXAMPLES]
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", docs)
        db.execute("INSERT INTO search(search) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
        return db.serialize()
    finally:
        db.close()


def sqlite_files(
    facts: Facts, *, directory_urls: bool = True, memo: Any = None
) -> dict[str, bytes]:
    return {"data/facts.db": facts_database(facts, directory_urls=directory_urls, memo=memo)}
