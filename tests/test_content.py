"""The shipped content: validates with zero problems, and export carries the seed facts.

Records are found by what they say (name, date, stance), not by id, so a rename in content/
does not break these tests while a lost fact does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import check

CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["export", str(CONTENT)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["records"]


def one(records: list[dict], **fields: Any) -> dict:
    found = [r for r in records if all(r.get(k) == v for k, v in fields.items())]
    assert len(found) == 1, (fields, [r["id"] for r in found])
    return found[0]


def by_id(records: list[dict], id_: str) -> dict:
    return one(records, id=id_)


def test_shipped_content_validates_with_zero_problems() -> None:
    checked = check(CONTENT)
    assert [(p.path, p.line, p.code, p.message) for p in checked.problems] == []
    assert checked.files >= 6


def test_validate_command_accepts_the_shipped_content() -> None:
    result = CliRunner().invoke(main, ["validate", str(CONTENT)])
    assert result.exit_code == 0
    assert result.stdout.strip().startswith("valid: 0 errors, 0 warnings in ")


def test_every_type_is_shipped_and_export_is_sorted(records: list[dict]) -> None:
    keys = [(r["type"], r["id"]) for r in records]
    assert keys == sorted(keys)
    assert {t for t, _ in keys} == {
        "actors",
        "places",
        "meetings",
        "positions",
        "topics",
        "sources",
    }


def test_rajnath_singh(records: list[dict]) -> None:
    singh = one(records, type="actors", name="Rajnath Singh")
    assert singh["kind"] == "person"
    assert singh["native_names"]["hi"] == "राजनाथ सिंह"
    assert by_id(records, singh["country"])["name"] == "India"


def test_andrey_belousov(records: list[dict]) -> None:
    belousov = one(records, type="actors", name="Andrey Belousov")
    assert belousov["kind"] == "person"
    assert belousov["native_names"]["ru"] == "Андрей Белоусов"
    assert by_id(records, belousov["country"])["name"] == "Russia"


def _in_qingdao(records: list[dict], place_id: str) -> bool:
    place = by_id(records, place_id)
    while place is not None:
        if place["name"] == "Qingdao":
            return True
        place = by_id(records, place["located_in"]) if place.get("located_in") else None
    return False


def test_sco_defence_ministers_meeting_in_qingdao(records: list[dict]) -> None:
    meeting = one(records, type="meetings", date="2025-06-25", end_date="2025-06-26")
    assert "SCO" in meeting["title"] and "Defence Ministers" in meeting["title"]
    assert _in_qingdao(records, meeting["place"])
    participants = {by_id(records, p["actor"])["name"] for p in meeting["participants"]}
    assert {"Rajnath Singh", "Andrey Belousov"} <= participants


def test_singh_belousov_meeting_on_the_sidelines(records: list[dict]) -> None:
    sco = one(records, type="meetings", date="2025-06-25", end_date="2025-06-26")
    singh = one(records, type="actors", name="Rajnath Singh")["id"]
    belousov = one(records, type="actors", name="Andrey Belousov")["id"]
    bilateral = [
        m
        for m in records
        if m["type"] == "meetings"
        and {p["actor"] for p in m.get("participants", [])} >= {singh, belousov}
        and m.get("part_of") == sco["id"]
    ]
    assert len(bilateral) == 1
    assert bilateral[0]["date"] == "2025-06-26"


def test_india_refused_to_endorse_with_the_date_disagreement(records: list[dict]) -> None:
    india = one(records, type="actors", name="India")["id"]
    sco = one(records, type="meetings", date="2025-06-25", end_date="2025-06-26")
    refusals = [
        r
        for r in records
        if r["type"] == "positions"
        and r["holder"] == india
        and r["stance"] == "refused-to-endorse"
        and r.get("expressed_at") == sco["id"]
    ]
    assert len(refusals) == 1
    refusal = refusals[0]
    assert refusal["date"] == "2025-06-26"
    assert one(records, type="actors", name="Rajnath Singh")["id"] == refusal["expressed_by"]
    disagreement = next(d for d in refusal["disagreements"] if d["field"] == "date")
    assert disagreement["value"] == "2025-06-25"
    assert disagreement["cite"]
    sources = {r["id"] for r in records if r["type"] == "sources"}
    assert set(disagreement["cite"]) <= sources
