"""data/facts.db opened with sqlite3: tables, foreign keys, full-text search, the example queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from reuse import shipped_assets, shipped_facts

from generator.sqlite_export import facts_database

TYPES = ("actors", "places", "meetings", "positions", "topics", "sources")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("db") / "facts.db"
    path.write_bytes(shipped_assets()["data/facts.db"])
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield connection
    connection.close()


def _examples(db: sqlite3.Connection) -> dict[str, str]:
    rows = db.execute("SELECT name, sql FROM docs WHERE name LIKE 'example:%'").fetchall()
    return {name.removeprefix("example:"): sql for name, sql in rows}


def test_the_file_is_a_sound_database_whose_foreign_keys_hold(db):
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert (
        set(TYPES)
        | {"records", "participants", "posts", "citations", "topic_links", "docs", "search"}
        <= tables
    )
    declared = {
        (table, fk[2])  # (table, referenced table)
        for table in ("participants", "posts", "citations", "topic_links", "meetings", "positions")
        for fk in db.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert {
        ("participants", "meetings"),
        ("participants", "actors"),
        ("posts", "actors"),
        ("citations", "sources"),
        ("citations", "records"),
        ("topic_links", "topics"),
        ("meetings", "places"),
        ("positions", "topics"),
    } <= declared
    for type_ in TYPES:
        count = db.execute(f"SELECT count(*) FROM {type_}").fetchone()[0]
        assert count == len(shipped_facts().of_type(type_))


def test_a_broken_reference_is_caught_by_the_declared_foreign_keys(tmp_path: Path):
    path = tmp_path / "facts.db"
    path.write_bytes(shipped_assets()["data/facts.db"])
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute(
            "INSERT INTO participants VALUES ('singh-belousov-meeting-2025-06-26', 9, 'nobody', NULL, NULL, NULL)"
        )
    connection.close()


def test_the_seed_meeting_and_its_participants(db):
    row = db.execute(
        "SELECT m.date, m.part_of, pl.name FROM meetings m JOIN places pl ON pl.id = m.place "
        "WHERE m.id = 'singh-belousov-meeting-2025-06-26'"
    ).fetchone()
    assert row == ("2025-06-26", "sco-defence-ministers-meeting-2025", "Qingdao")
    people = db.execute(
        "SELECT a.name, p.on_behalf_of FROM participants p JOIN actors a ON a.id = p.actor "
        "WHERE p.meeting = 'singh-belousov-meeting-2025-06-26' ORDER BY p.position"
    ).fetchall()
    assert people == [("Rajnath Singh", "india"), ("Andrey Belousov", "russia")]


def test_example_every_meeting_rajnath_singh_attended_by_date(db):
    rows = db.execute(_examples(db)["meetings-attended"]).fetchall()
    ids = [r[1] for r in rows]
    assert "singh-belousov-meeting-2025-06-26" in ids
    assert "sco-defence-ministers-meeting-2025" in ids
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    expected = {
        m.id
        for m in shipped_facts().of_type("meetings")
        if any(p.actor == "rajnath-singh" for p in m.data.participants)
    }
    assert set(ids) == expected


def test_example_positions_on_topics_beneath_counter_terrorism(db):
    rows = db.execute(_examples(db)["positions-beneath-topic"]).fetchall()
    assert ("india-refuses-sco-qingdao-joint-document", "india", "refused-to-endorse") in [
        r[:3] for r in rows
    ]
    facts = shipped_facts()

    def beneath(topic: str) -> bool:
        while topic:
            if topic == "counter-terrorism":
                return True
            topic = facts.records[topic].data.parent
        return False

    assert {r[0] for r in rows} == {
        p.id for p in facts.of_type("positions") if beneath(p.data.topic)
    }


def test_example_records_citing_a_source(db):
    rows = db.execute(_examples(db)["records-citing-source"]).fetchall()
    facts = shipped_facts()
    expected = {b.source for b in facts.backrefs["seed-article"] if "cite" in b.path}
    assert {r[0] for r in rows} == expected
    assert (
        "singh-belousov-meeting-2025-06-26",
        "meetings",
        "Rajnath Singh–Andrey Belousov meeting",
    ) in rows


def test_full_text_search_over_names_and_texts(db):
    found = {r[0] for r in db.execute("SELECT id FROM search WHERE search MATCH 'belousov'")}
    assert {"andrey-belousov", "singh-belousov-meeting-2025-06-26"} <= found
    hindi = {r[0] for r in db.execute("SELECT id FROM search WHERE search MATCH '\"राजनाथ\"'")}
    assert "rajnath-singh" in hindi
    folded = {r[0] for r in db.execute("SELECT id FROM search WHERE search MATCH 'communique'")}
    assert "sco-qingdao-joint-communique" in folded  # 'communiqué' without its accent


def test_the_database_is_byte_identical_across_builds():
    assert facts_database(shipped_facts()) == shipped_assets()["data/facts.db"]


def test_dates_of_any_precision_sort_by_the_days_they_cover(db):
    rows = db.execute(
        "SELECT date, date_first, date_last FROM meetings WHERE length(date) = 7"
    ).fetchall()
    assert rows, "the shipped content has month-precision meetings"
    for text, first, last in rows:
        assert first == text + "-01" and last.startswith(text)


def test_the_readme_examples_run_and_find_the_seed_facts(db):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sql", 1)[1].split("```", 1)[0]
    queries = [q.strip() for q in block.split(";") if q.strip()]
    assert len(queries) == 3
    results = [db.execute(q).fetchall() for q in queries]
    assert "singh-belousov-meeting-2025-06-26" in [r[1] for r in results[0]]
    assert "india-refuses-sco-qingdao-joint-document" in [r[0] for r in results[1]]
    assert "singh-belousov-meeting-2025-06-26" in [r[0] for r in results[2]]
