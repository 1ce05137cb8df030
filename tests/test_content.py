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


# --- Corrections from the content audit (issue 16): the facts a reader looks for -------------


def _sco(records: list[dict]) -> dict:
    return one(records, type="meetings", date="2025-06-25", end_date="2025-06-26")


def _source(records: list[dict], id_: str) -> dict:
    source = by_id(records, id_)
    assert source["type"] == "sources"
    return source


def _meetings_of(records: list[dict], *names: str, kind: str | None = None) -> list[dict]:
    ids = {one(records, type="actors", name=n)["id"] for n in names}
    return [
        r
        for r in records
        if r["type"] == "meetings"
        and ids <= {p["actor"] for p in r.get("participants", [])}
        and kind in (None, r["kind"])
    ]


def test_sco_meeting_venue_is_recorded_as_a_disagreement(records: list[dict]) -> None:
    sco = _sco(records)
    assert by_id(records, sco["place"])["name"] == "Qingdao"
    venue = [d for d in sco["disagreements"] if d["field"] == "place"]
    assert len(venue) == 1
    assert by_id(records, venue[0]["value"])["name"] == "Qingdao International Conference Centre"
    assert {_source(records, s)["language"] for s in venue[0]["cite"]} == {"zh"}  # CCTV-7
    assert "visited" in venue[0]["note"]  # ANI's version is stated, not dropped


def test_dong_jun_chairs_the_sco_meeting_rather_than_being_called_host(records: list[dict]) -> None:
    dong = one(records, type="actors", name="Dong Jun")
    (role,) = [p for p in _sco(records)["participants"] if p["actor"] == dong["id"]]
    assert role["role"] == "chair"
    assert any(_source(records, s)["language"] == "zh" for s in role["cite"])
    assert "host" not in dong["summary"].replace("hosted", "")


def test_kazakhstan_meeting_names_kosanov_and_cites_a_source_of_its_day(
    records: list[dict],
) -> None:
    kosanov = one(records, type="actors", name="Dauren Kosanov")
    assert by_id(records, kosanov["country"])["name"] == "Kazakhstan"
    assert [p["title"] for p in kosanov["posts"]] == ["Minister of Defence"]
    (meeting,) = _meetings_of(records, "Rajnath Singh", "Dauren Kosanov", kind="bilateral")
    assert meeting["date"] == "2025-06-26"
    assert "Kosanov" in meeting["title"]
    assert meeting["part_of"] == _sco(records)["id"]
    assert any(_source(records, s).get("published") == "2025-06-26" for s in meeting["cite"])


def test_singh_and_dong_jun_met_apart_from_the_reception(records: list[dict]) -> None:
    meetings = _meetings_of(records, "Rajnath Singh", "Dong Jun")
    assert sorted(m["kind"] for m in meetings) == ["bilateral", "ministerial", "reception"]
    (talks,) = [m for m in meetings if m["kind"] == "bilateral"]
    assert talks["date"] == "2025-06-26" and talks["part_of"] == _sco(records)["id"]
    (friday,) = [d for d in talks["disagreements"] if d["field"] == "date"]
    assert friday["value"] == "2025-06-27"
    assert any(_source(records, s)["kind"] == "official" for s in talks["cite"])


def test_bilaterals_with_khrenin_and_sobirzoda_give_their_subjects(records: list[dict]) -> None:
    for name in ("Viktor Khrenin", "Emomali Sobirzoda"):
        (meeting,) = _meetings_of(records, "Rajnath Singh", name, kind="bilateral")
        assert "give no subjects" not in meeting["summary"]
        assert by_id(records, "defence-cooperation")["id"] in meeting["topics"]


def test_hindustan_times_dates_of_the_tharoor_meetings_are_recorded(records: list[dict]) -> None:
    ht = {
        r["id"]
        for r in records
        if r["type"] == "sources" and r.get("publisher") == "Hindustan Times"
    }
    expected = {
        "Leonid Slutsky": ("2025-06-24", "2025-06-23"),
        "Sergei Lavrov": ("2025-06-25", "2025-06-24"),
    }
    for name, (date, other) in expected.items():
        (meeting,) = _meetings_of(records, "Shashi Tharoor", name, kind="bilateral")
        assert meeting["date"] == date
        (d,) = [d for d in meeting["disagreements"] if d["field"] == "date"]
        assert d["value"] == other and set(d["cite"]) & ht


def test_seed_subjects_sit_on_the_visit_not_on_the_slutsky_meeting(records: list[dict]) -> None:
    (slutsky,) = _meetings_of(records, "Shashi Tharoor", "Leonid Slutsky", kind="bilateral")
    brics = one(records, type="topics", name="BRICS coordination")["id"]
    assert brics not in slutsky.get("topics", [])
    (visit,) = _meetings_of(records, "Shashi Tharoor", kind="visit")
    assert brics in visit["topics"] and "seed-article" in visit["cite"]


def test_denisov_meeting_cites_reports_that_name_him(records: list[dict]) -> None:
    (meeting,) = _meetings_of(records, "Shashi Tharoor", "Andrey Denisov", kind="bilateral")
    publishers = {_source(records, s).get("publisher") for s in meeting["cite"]}
    assert "IANS" not in publishers and "Keralapedia" in publishers


def test_primakov_readings_give_the_day_of_lavrovs_address(records: list[dict]) -> None:
    readings = one(records, type="meetings", title="Primakov Readings 2025")
    assert "24 June 2025" in readings["summary"]


def test_tharoor_posts_rest_on_what_the_sources_say(records: list[dict]) -> None:
    tharoor = one(records, type="actors", name="Shashi Tharoor")
    assert {by_id(records, p["organisation"])["name"] for p in tharoor["posts"]} == {"India"}
    assert not [r for r in records if r["type"] == "actors" and r["name"] == "Lok Sabha"]


def test_sources_carry_the_dates_and_headlines_their_pages_show(records: list[dict]) -> None:
    keralapedia = one(records, type="sources", publisher="Keralapedia")
    assert keralapedia["published"] == "2025-06-26"
    devdiscourse = _source(records, "devdiscourse-singh-bilateral-talks")
    assert devdiscourse["published"] == "2025-06-26"
    tuva = one(records, type="sources", publisher="Tuva News (tuva-news.ru)")
    assert "Леонид Слуцкий" in tuva["title"] and "Slutsky" in tuva["note"]


def test_twin_track_diplomacy_is_the_seed_articles_assessment(records: list[dict]) -> None:
    topic = one(records, type="topics", name="India's twin-track diplomacy")
    assert topic["cite"] == ["seed-article"]
    assert "autonomy in multilateral decisions" in topic["summary"]
