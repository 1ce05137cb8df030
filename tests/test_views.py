"""Views: what each page shows and the records it read. The dependency lists must be whole: a
change to a record that a page does not list leaves that page byte for byte as it was."""

from __future__ import annotations

import ast
import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.link import Facts
from generator.pipeline import build, check
from generator.render import render_pages
from generator.views import Site, page_paths

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SHIPPED = ROOT / "content"


def _renamed(facts: Facts, id_: str) -> Facts:
    """The same facts with one record's name changed as other pages show it: a name or title; a
    position is named by holder, stance and topic, so its stance changes."""
    record = facts.records[id_]
    if record.type == "positions":
        stance = "neutral" if record.data.stance != "neutral" else "supports"
        data = record.data.model_copy(update={"stance": stance})
    else:
        field = {"meetings": "title", "sources": "title"}.get(record.type, "name")
        data = record.data.model_copy(update={field: getattr(record.data, field) + " (changed)"})
    records = {**facts.records, id_: dataclasses.replace(record, data=data)}
    return dataclasses.replace(facts, records=records)


@pytest.mark.parametrize("content", ["valid", "shipped"])
def test_a_page_changes_only_when_a_record_it_lists_changes(content, valid_content):
    facts = check(valid_content if content == "valid" else SHIPPED).facts
    site = Site("https://example.org/edit/{path}")
    before, depends = render_pages(facts, TEMPLATES, site)
    assert set(before) == set(page_paths(facts))
    checked = 0
    for id_ in sorted(facts.records)[:: 1 if content == "valid" else 7]:
        after, _ = render_pages(_renamed(facts, id_), TEMPLATES, site)
        changed = {path for path in before if after[path] != before[path]}
        own = f"{facts.records[id_].type}/{id_}.md"
        assert changed - {own}, f"renaming {id_} changed no page but its own"
        unlisted = {path for path in changed if id_ not in depends[path].records}
        assert not unlisted, f"{sorted(unlisted)} show {id_} but do not list it"
        checked += 1
    assert checked >= 10


def test_the_views_list_what_pages_show(valid_content):
    facts = check(valid_content).facts
    _, depends = render_pages(facts, TEMPLATES, Site())
    singh = depends["actors/rajnath-singh.md"]
    assert {"rajnath-singh", "andrey-belousov", "singh-belousov-2025-06-26"} <= singh.records
    assert "rajnath-singh" in singh.referrers  # its meetings, positions, "mentioned in"
    assert "russia-defence-partnership" not in singh.records  # another actor's position
    assert depends["meetings/index.md"].types >= {"meetings", "actors"}  # the network
    assert depends["index.md"].types == {
        "actors",
        "places",
        "meetings",
        "positions",
        "topics",
        "sources",
    }


def test_a_template_cannot_show_a_record_its_view_did_not_read(tmp_path, valid_content):
    templates = shutil.copytree(TEMPLATES, tmp_path / "templates")
    page = templates / "source.md.j2"
    page.write_text(page.read_text() + '\n{{ page.link("qingdao") }}\n', encoding="utf-8")
    built = build(valid_content, templates)
    (problem,) = [p for p in built.problems if p.is_error]
    assert problem.code == "internal.render"
    assert "its view did not read" in problem.message and "'qingdao'" in problem.message
    assert not built.pages


def _imports(module: str) -> set[str]:
    tree = ast.parse((ROOT / "generator" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def test_pictures_and_the_renderer_do_not_import_each_other():
    assert "render" not in _imports("pictures") and "views" not in _imports("pictures")
    assert "pictures" not in _imports("render")
