"""Per-record JSON (api/<type>/<id>.json), api/index.json and their published JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from reuse import ROOT, shipped_assets

from generator import pipeline


def _schemas(assets: dict[str, bytes]) -> dict[str, dict]:
    return {k: json.loads(v) for k, v in assets.items() if k.startswith("schema/api/")}


def _validate(document: dict, assets: dict[str, bytes]) -> None:
    schema = _schemas(assets)[document["schema"]]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def test_every_record_file_and_the_index_follow_their_published_schema():
    assets = shipped_assets()
    files = [k for k in assets if k.startswith("api/")]
    records = sum(
        1 for t in ("actors", "meetings", "sources") for _ in (ROOT / "content" / t).glob("*.yml")
    )
    assert len(files) > records
    for path in files:
        _validate(json.loads(assets[path]), assets)


def test_the_seed_meeting_names_its_references_and_backlinks():
    assets = shipped_assets()
    doc = json.loads(assets["api/meetings/singh-belousov-meeting-2025-06-26.json"])
    assert doc["fields"]["date"] == "2025-06-26"
    assert doc["page"] == "meetings/singh-belousov-meeting-2025-06-26/"
    refs = {(r["field"], r["id"]): r for r in doc["references"]}
    belousov = refs[("participants.1.actor", "andrey-belousov")]
    assert belousov["name"] == "Andrey Belousov"
    assert belousov["json"] == "api/actors/andrey-belousov.json"
    assert belousov["json"] in assets
    parent = refs[("part_of", "sco-defence-ministers-meeting-2025")]
    assert parent["type"] == "meetings"
    assert refs[("place", "qingdao")]["name"] == "Qingdao"
    assert refs[("summary", "rajnath-singh")]["type"] == "actors"  # an [[id]] in the summary
    assert refs[("outcomes.0", "india-reaffirms-russia-defence-partnership-2025-06-26")]
    # the positions this meeting's outcomes link to point back at it, and it to them
    backlinks = {(b["id"], b["field"]) for b in doc["backlinks"]}
    parent_doc = json.loads(assets["api/meetings/sco-defence-ministers-meeting-2025.json"])
    assert ("singh-belousov-meeting-2025-06-26", "part_of") in {
        (b["id"], b["field"]) for b in parent_doc["backlinks"]
    }
    assert backlinks  # the actors' summaries mention it
    singh = json.loads(assets["api/actors/rajnath-singh.json"])
    assert ("singh-belousov-meeting-2025-06-26", "participants.0.actor") in {
        (b["id"], b["field"]) for b in singh["backlinks"]
    }


def test_the_index_lists_every_record_with_its_addresses():
    assets = shipped_assets()
    index = json.loads(assets["api/index.json"])
    listed = {(r["type"], r["id"]) for r in index["records"]}
    on_disk = {(p.parent.name, p.stem) for p in (ROOT / "content").glob("*/*.yml")}
    assert listed == on_disk
    for entry in index["records"]:
        assert entry["json"] in assets
        assert entry["page"] == f"{entry['type']}/{entry['id']}/"


def test_offline_pages_are_html_files():
    doc = json.loads(shipped_assets(False)["api/actors/rajnath-singh.json"])
    assert doc["page"] == "actors/rajnath-singh.html"


def test_a_former_id_keeps_a_file_pointing_to_the_new_one(valid_content: Path):
    built = pipeline.build(valid_content, ROOT / "templates")
    assert built.assets
    stub = json.loads(built.assets["api/actors/singh-rajnath.json"])
    assert stub["renamed_to"]["id"] == "rajnath-singh"
    assert stub["renamed_to"]["json"] == "api/actors/rajnath-singh.json"
    _validate(stub, built.assets)
    index = json.loads(built.assets["api/index.json"])
    assert {
        "id": "singh-rajnath",
        "renamed_to": "rajnath-singh",
        "json": "api/actors/singh-rajnath.json",
    } in index["renamed"]
    _validate(index, built.assets)


def test_the_schema_refuses_a_record_that_breaks_it():
    assets = shipped_assets()
    doc = json.loads(assets["api/meetings/singh-belousov-meeting-2025-06-26.json"])
    doc["fields"]["participants"][0]["role"] = "emperor"
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc, assets)
    doc = json.loads(assets["api/meetings/singh-belousov-meeting-2025-06-26.json"])
    del doc["references"][0]["name"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc, assets)


def test_the_offline_build_carries_every_data_file_with_html_addresses(tmp_path: Path):
    from sitebuild import mkdocs_build, parse, prepare

    from .conftest import VALID

    work = prepare(tmp_path / "work", VALID)
    result = mkdocs_build(work, offline=True)
    assert result.returncode == 0, result.stderr[-3000:]
    site = work / "site"
    for path in (
        "api/index.json",
        "data/popolo.json",
        "data/facts.db",
        "schema/api/index.schema.json",
    ):
        assert (site / path).is_file(), path
        assert path.startswith("schema/") or path in parse(site / "index.html").links
    index = json.loads((site / "api/index.json").read_text(encoding="utf-8"))
    for entry in index["records"]:
        assert entry["page"].endswith(".html") and (site / entry["page"]).is_file(), entry
        assert (site / entry["json"]).is_file(), entry
