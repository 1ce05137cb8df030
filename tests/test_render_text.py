"""Small behaviours of the renderer on real records: escaping, the fact box's pointers."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import yaml

from generator.pipeline import build
from generator.safety import escape_text

ROOT = Path(__file__).resolve().parent.parent


def test_escaping_nothing_gives_nothing():
    assert escape_text("") == ""
    assert escape_text("   ") == ""
    assert markdown.markdown(escape_text("- 1. *x* `y`")) == "<p>- 1. *x* `y`</p>"


def test_a_disagreement_on_end_date_is_flagged_in_the_fact_box(valid_content):
    path = valid_content / "meetings" / "sco-defence-ministers-meeting-2025.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = sorted((valid_content / "sources").glob("*.yml"))[0].stem
    record["disagreements"] = [{"field": "end_date", "value": "2025-06-27", "cite": [source]}]
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    built = build(valid_content, ROOT / "templates")
    assert [p for p in built.problems if p.is_error] == []
    page = built.pages["meetings/sco-defence-ministers-meeting-2025.md"]
    date_row = re.search(r"^<td>Date</td>\n<td>(.*)</td>$", page, re.M)  # the fact box's row
    assert date_row and "sources disagree" in date_row.group(1)


def test_each_member_of_an_organisation_is_an_item_of_its_own():
    """An organisation's members (the actors whose posts are with it), one list item each: the
    list was once Markdown whose lines a template tag joined into one item. The shipped SCO
    record has eleven."""
    built = build(ROOT / "content", ROOT / "templates")
    assert [p for p in built.problems if p.is_error] == []
    facts = built.checked.facts
    page = built.pages["actors/sco.md"]
    section = page[page.index("## Members") :].split("\n## ", 1)[0]
    items = re.findall(r"^<li>(.*)</li>$", section, re.M)
    members = [
        a.id
        for a in facts.records.values()
        if a.type == "actors"
        for post in getattr(a.data, "posts", [])
        if post.organisation == "sco"
    ]
    assert len(members) > 2 and len(items) == len(members)
    for item in items:
        assert item.count("<a href=") == 1 and "- <a" not in item
