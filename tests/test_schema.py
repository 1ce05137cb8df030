"""The JSON Schemas editors use: from the model, up to date, and as strict as the validator.

Records are checked as the loader reads them (every plain scalar a string), not as
`yaml.safe_load` would turn them into dates and numbers.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.export import json_schemas
from generator.load import RawRecord, load_records
from generator.model import TYPES
from generator.validate import validate_record

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
FIXTURES = Path(__file__).parent / "fixtures"

# Problems a JSON Schema can express. Others need code: a calendar date that does not exist
# (2025-02-30 matches the pattern), a web address, the links between records.
EXPRESSIBLE = {
    "schema.unknown-field",
    "schema.reserved-field",
    "schema.missing-field",
    "schema.vocabulary",
    "schema.type",
    "schema.cite-empty",
    "schema.empty",
    "schema.null",
    "schema.id",
    "schema.language",
}


@pytest.fixture(scope="module")
def validators() -> dict[str, jsonschema.Draft202012Validator]:
    out = {}
    for type_, text in json_schemas().items():
        schema = json.loads(text)
        jsonschema.Draft202012Validator.check_schema(schema)
        out[type_] = jsonschema.Draft202012Validator(schema)
    return out


def schema_errors(validators, record) -> list[str]:
    return [error.message for error in validators[record.type].iter_errors(record.data)]


# ---------------------------------------------------------------------------------------------
# Shipped and up to date


def test_shipped_schemas_are_up_to_date():
    """Fails when model.py changed and `make schema` was not run."""
    expected = {f"{type_}.schema.json": text for type_, text in json_schemas().items()}
    shipped = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.schema.json")}
    assert sorted(shipped) == sorted(expected), "run `make schema`"
    for name, text in expected.items():
        assert shipped[name] == text, f"schema/{name} is stale: run `make schema`"


def test_one_schema_per_type_with_its_dialect():
    assert sorted(json_schemas()) == sorted(TYPES)
    for text in json_schemas().values():
        schema = json.loads(text)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False


def test_schema_command_writes_and_checks(tmp_path):
    runner = CliRunner()
    out = tmp_path / "schema"
    assert runner.invoke(main, ["schema", "--out", str(out), "--check"]).exit_code == 1
    result = runner.invoke(main, ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.schema.json" for t in TYPES)
    assert runner.invoke(main, ["schema", "--out", str(out), "--check"]).exit_code == 0
    (out / "topics.schema.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(main, ["schema", "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "topics.schema.json: stale or missing: run `make schema`" in result.stderr
    assert (out / "topics.schema.json").read_text(encoding="utf-8") == "{}"


def test_vscode_maps_each_content_folder_to_its_schema():
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    for type_ in TYPES:
        globs = mapping[f"./schema/{type_}.schema.json"]
        assert f"content/{type_}/*.yml" in globs
        assert (ROOT / "schema" / f"{type_}.schema.json").is_file()


# ---------------------------------------------------------------------------------------------
# Accepts what the validator accepts


def _records(folder: Path):
    return load_records(folder).records


def test_schema_accepts_every_shipped_record(validators):
    records = _records(ROOT / "content")
    assert len(records) > 40  # the shipped content: a skip here would hide a broken loader
    for record in records:
        assert schema_errors(validators, record) == [], record.path


def test_schema_accepts_every_valid_fixture_record(validators):
    records = _records(FIXTURES / "valid")
    assert records
    for record in records:
        assert validate_record(record)[1] == []
        assert schema_errors(validators, record) == [], record.path


# ---------------------------------------------------------------------------------------------
# Rejects what the validator rejects for schema reasons


MEETING = {
    "title": "Rajnath Singh meets Andrey Belousov",
    "kind": "bilateral",
    "date": "2025-06-26",
    "participants": [{"actor": "rajnath-singh", "role": "principal"}],
    "cite": ["seed-article"],
    "status": "confirmed",
}
ACTOR = {
    "kind": "person",
    "name": "Rajnath Singh",
    "native_names": {"hi": "राजनाथ सिंह"},
    "cite": ["seed-article"],
    "status": "confirmed",
}


def _changed(base: dict, path: tuple, value=..., *, delete: bool = False) -> dict:
    data = copy.deepcopy(base)
    target = data
    for part in path[:-1]:
        target = target[part]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


CASES = [
    ("meetings", _changed(MEETING, ("venue",), "Qingdao"), "schema.unknown-field"),
    ("meetings", _changed(MEETING, ("participants", 0, "rank"), "1"), "schema.unknown-field"),
    ("meetings", _changed(MEETING, ("id",), "talks"), "schema.reserved-field"),
    ("meetings", _changed(MEETING, ("title",), delete=True), "schema.missing-field"),
    (
        "meetings",
        _changed(MEETING, ("participants", 0, "actor"), delete=True),
        "schema.missing-field",
    ),
    ("meetings", _changed(MEETING, ("kind",), "chat"), "schema.vocabulary"),
    ("meetings", _changed(MEETING, ("participants", 0, "role"), "boss"), "schema.vocabulary"),
    ("meetings", _changed(MEETING, ("status",), "Confirmed"), "schema.vocabulary"),
    ("meetings", _changed(MEETING, ("date",), "26 June 2025"), "schema.date"),
    ("meetings", _changed(MEETING, ("date",), "2025-6-26"), "schema.date"),
    ("meetings", _changed(MEETING, ("end_date",), "2025/06/27"), "schema.date"),
    ("meetings", _changed(MEETING, ("cite",), []), "schema.cite-empty"),
    ("meetings", _changed(MEETING, ("summary",), None), "schema.null"),
    ("meetings", _changed(MEETING, ("summary",), ""), "schema.empty"),
    ("meetings", _changed(MEETING, ("title",), {"en": "Talks"}), "schema.type"),
    ("meetings", _changed(MEETING, ("place",), "Qingdao City"), "schema.id"),
    ("actors", _changed(ACTOR, ("native_names", "Hindi"), "राजनाथ सिंह"), "schema.language"),
    ("actors", _changed(ACTOR, ("kind",), "human"), "schema.vocabulary"),
]


@pytest.mark.parametrize(
    ("type_", "data", "code"), CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)]
)
def test_schema_rejects_what_the_validator_rejects(validators, type_, data, code):
    unchanged = RawRecord(type_, "x", "x.yml", MEETING if type_ == "meetings" else ACTOR)
    assert validate_record(unchanged)[1] == []
    record = RawRecord(type_, "x", f"{type_}/x.yml", data)
    _, problems = validate_record(record)
    assert code in [p.code for p in problems]
    assert schema_errors(validators, record), f"the schema accepts what the validator calls {code}"


def _invalid_cases() -> list[Path]:
    folder = FIXTURES / "invalid"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if (p / "content").is_dir())


@pytest.mark.parametrize("case", _invalid_cases(), ids=lambda p: p.name)
def test_schema_agrees_with_the_validator_on_every_invalid_fixture(validators, case):
    """Each record the validator passes, the schema passes; each it rejects for a reason a
    schema can express, the schema rejects."""
    for record in _records(case / "content"):
        _, problems = validate_record(record)
        codes = {p.code for p in problems}
        errors = schema_errors(validators, record)
        if not problems:
            assert errors == [], f"{record.path}: the schema rejects a record the validator accepts"
        elif codes & EXPRESSIBLE:
            assert errors, f"{record.path}: the schema accepts what the validator calls {codes}"
