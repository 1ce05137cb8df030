"""data/popolo.json checked against the Popolo JSON Schemas (vendored in vendor/popolo-spec/)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3
from reuse import ROOT, shipped_assets

SCHEMAS = ROOT / "vendor" / "popolo-spec" / "schemas"
KINDS = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "events": "event",
}


def _registry() -> Registry:
    """Each schema under its popoloproject.com id: $refs resolve here, never on the network."""
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (schema["id"], Resource.from_contents(schema, default_specification=DRAFT3))
        )
    return Registry().with_resources(resources)


def _validator(kind: str) -> jsonschema.Draft3Validator:
    schema = json.loads((SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))
    jsonschema.Draft3Validator.check_schema(schema)
    return jsonschema.Draft3Validator(
        schema, registry=_registry(), format_checker=jsonschema.Draft3Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def popolo() -> dict:
    return json.loads(shipped_assets()["data/popolo.json"])


def test_every_object_is_valid_popolo(popolo):
    assert set(popolo) == set(KINDS)
    for key, kind in KINDS.items():
        validator = _validator(kind)
        assert popolo[key], key
        for item in popolo[key]:
            errors = [e.message for e in validator.iter_errors(item)]
            assert not errors, (key, item["id"], errors)


def test_the_validator_refuses_broken_popolo(popolo):
    event = dict(popolo["events"][0], start_date="26 June 2025")
    assert list(_validator("event").iter_errors(event))
    person = dict(popolo["persons"][0], other_names=[{"name": 5}])
    assert list(_validator("person").iter_errors(person))  # other_name.json is resolved
    membership = dict(popolo["memberships"][0], sources=[{"url": "not a uri"}])
    assert list(_validator("membership").iter_errors(membership))  # formats are checked


def test_the_seed_meeting_is_an_event_on_the_sidelines_of_the_sco_meeting(popolo):
    events = {e["id"]: e for e in popolo["events"]}
    meeting = events["singh-belousov-meeting-2025-06-26"]
    assert meeting["start_date"] == "2025-06-26"
    assert meeting["parent_id"] == "sco-defence-ministers-meeting-2025"
    assert meeting["parent_id"] in events
    assert meeting["location"] == "Qingdao"
    attendees = {a["id"]: a for a in meeting["attendees"]}
    assert set(attendees) == {"rajnath-singh", "andrey-belousov"}
    assert attendees["andrey-belousov"]["on_behalf_of_id"] == "russia"
    assert attendees["rajnath-singh"]["name"] == "Rajnath Singh"


def test_persons_organizations_and_memberships_keep_their_dates(popolo):
    persons = {p["id"]: p for p in popolo["persons"]}
    organizations = {o["id"]: o for o in popolo["organizations"]}
    assert persons["rajnath-singh"]["other_names"][0]["name"] == "राजनाथ सिंह"
    assert organizations["india"]["classification"] == "state"
    assert organizations["sco"]["classification"] == "organisation"
    assert "rajnath-singh" not in organizations and "india" not in persons
    singh = [m for m in popolo["memberships"] if m.get("person_id") == "rajnath-singh"]
    assert singh and singh[0]["organization_id"] == "ministry-of-defence-india"
    assert singh[0]["role"] == "Minister of Defence"
    assert singh[0]["attested_date"] == "2025-06-26" and "start_date" not in singh[0]
    states = [m for m in popolo["memberships"] if "member" in m]
    assert states and all(m["organization_id"] in organizations for m in popolo["memberships"])


def test_the_file_is_the_document_in_json_byte_for_byte(tmp_path):
    """popolo_files writes each record's objects as JSON and joins them: the result is the one
    JSON writer's (api.dumps) of the whole document, on the seed and on synthetic content."""
    from reuse import shipped_facts

    from bench.synth import write_content
    from generator.api import dumps
    from generator.pipeline import check
    from generator.popolo import popolo_document, popolo_files

    write_content(tmp_path / "content", 300, seed=3)
    synthetic = check(tmp_path / "content")
    assert synthetic.ok
    for facts in (shipped_facts(), synthetic.facts):
        assert popolo_files(facts)["data/popolo.json"] == dumps(popolo_document(facts))
