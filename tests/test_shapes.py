"""The validator never raises: any value of a valid record, at any depth, swapped for a value of
another shape (a list where a mapping belongs, a mapping where text belongs, …) is reported as a
problem of that file, with the other problems kept, and never as an internal error or a traceback.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_properties import (
    REFERENCES,
    SETTINGS,
    World,
    dump,
    key_line,
    run_check,
    slugs,
    worlds,
    write_world,
)

from generator import validate
from generator.cli import main


def paths(value: Any, at: tuple = ()) -> list[tuple]:
    """Every location inside a record's data (not the record itself)."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, at + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, at + (index,))
    return found


def reshaped(value: Any) -> list[Any]:
    """Values of other shapes than `value`: nested lists and mappings of it, or text.

    (No numbers: the loader reads every scalar as text, so `12` is no other shape.)"""
    return [
        [value, value],
        [[value]],
        {"x": value},
        {"actor": [value]},
        [{"a": value, "b": [value]}],
        "text" if not isinstance(value, str) else {value: value},
    ]


def replace_at(record: dict, at: tuple, new: Any) -> None:
    target: Any = record
    for part in at[:-1]:
        target = target[part]
    target[at[-1]] = new


@SETTINGS
@given(worlds(), st.data())
def test_a_value_of_another_shape_at_any_depth(world: World, data: st.DataObject) -> None:
    type_, id_ = data.draw(st.sampled_from(sorted(world)))
    record = world[type_, id_]
    at = data.draw(st.sampled_from(paths(record)))
    target: Any = record
    for part in at:
        target = target[part]
    replace_at(record, at, data.draw(st.sampled_from(reshaped(target))))
    _, problems = run_check(world, {(type_, id_): dump(record)})
    assert not [p for p in problems if p[2].startswith("internal")], problems
    path = f"{type_}/{id_}.yml"
    assert [p for p in problems if p[0] == path and p[3] == "error"], (at, problems)
    # every reference of the world resolves: a link problem anywhere would be a cascade (of the
    # broken record's fields that parsed, or of references to it)
    assert not [p for p in problems if p[2].startswith(("link.", "rename.", "id."))], problems


@SETTINGS
@given(worlds(), st.data())
def test_a_misspelt_reference_is_reported_beside_a_schema_error(
    world: World, data: st.DataObject
) -> None:
    """Every problem of a record in one run: a value of another shape in one field, an id
    that names no record in another field of the same record, both reported."""
    candidates = sorted(
        (t, i, f) for (t, i), r in world.items() for f in REFERENCES.get(t, []) if f in r
    )
    if not candidates:
        return
    type_, id_, field = data.draw(st.sampled_from(candidates))
    record = world[type_, id_]
    others = [at for at in paths(record) if at[0] != field]
    at = data.draw(st.sampled_from(others))
    target: Any = record
    for part in at:
        target = target[part]
    # a copy of each part (no object twice: safe_dump would write an alias, which is refused)
    replace_at(record, at, json.loads(json.dumps(data.draw(st.sampled_from(reshaped(target))))))
    record[field] = data.draw(slugs.filter(lambda s: all(s != i for _, i in world)))
    text = dump(record)
    _, problems = run_check(world, {(type_, id_): text})
    path = f"{type_}/{id_}.yml"
    assert not [p for p in problems if p[2].startswith("internal")], problems
    assert (path, key_line(text, field), "link.unresolved", "error") in problems, (at, problems)
    assert [p for p in problems if p[0] == path and p[2].startswith("schema.")], (at, problems)
    assert not [p for p in problems if p[0] != path], problems


def test_a_participant_whose_actor_is_a_list_keeps_every_other_problem() -> None:
    """The case that crashed with `unhashable type: 'list'` outside the validator's guard."""
    world: World = {
        ("sources", "s"): {"title": "A report", "kind": "news"},
        ("actors", "a"): {"kind": "person", "name": "A", "cite": ["s"], "status": "confirmed"},
        ("meetings", "m"): {
            "title": "M",
            "kind": "bilateral",
            "date": "2025-13-01",
            "participants": [{"actor": ["a", "b"]}, {"actor": "a"}],
            "cite": ["s"],
            "status": "confirmed",
        },
    }
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_world(content, world)
        result = CliRunner().invoke(main, ["validate", str(content), "--format", "json"])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    codes = {p["code"] for p in json.loads(result.output)["problems"]}
    assert {"schema.type", "schema.date"} <= codes
    assert not any(code.startswith("internal") for code in codes)


def _world_with_a_bad_date(content: Path) -> None:
    write_world(
        content,
        {
            ("sources", "s"): {"title": "A report", "kind": "news"},
            ("topics", "t"): {"name": "T", "cite": ["s"], "status": "maybe"},
        },
    )


def test_a_bug_in_one_check_is_one_line_and_keeps_the_other_problems(tmp_path, monkeypatch):
    """A check that raises (a bug) is reported as one internal problem, the schema's are kept;
    --debug prints the traceback for a bug report, without it there is none."""

    def broken_check(raw):
        raise KeyError("boom")

    monkeypatch.setattr(validate, "RECORD_CHECKS", (*validate.RECORD_CHECKS, broken_check))
    content = tmp_path / "content"
    _world_with_a_bad_date(content)
    plain = CliRunner().invoke(main, ["validate", str(content)])
    assert plain.exit_code == 1
    assert "Traceback" not in plain.output
    assert "[schema.vocabulary]" in plain.output  # the other problems are still there
    assert plain.output.count("[internal.validate]") == 2  # one a record, each on one line
    debug = CliRunner().invoke(main, ["--debug", "validate", str(content)])
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.output
    assert "broken_check" in debug.output and "KeyError: 'boom'" in debug.output
