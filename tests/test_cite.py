"""'Cite this page' and archived copies of sources on a real built site: plain text, BibTeX (read back by bibtexparser) and
CSL-JSON (checked against the vendored CSL schema), readable without JavaScript."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from sitebuild import ROOT, mkdocs_build, parse, prepare

from generator.cite import bibtex_escape

from .conftest import VALID

CSL_SCHEMA = json.loads((ROOT / "vendor" / "csl-schema" / "csl-data.json").read_text("utf-8"))
BASE = "https://facts.example.org/sheets/"
ARCHIVED = "https://web.archive.org/web/20250627000000/https://example.com/seed"
CODE = re.compile(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The valid fixture content, committed to git on 1 July 2025, built with a base URL."""
    work = prepare(tmp_path_factory.mktemp("cite") / "work", VALID)
    seed = work / "content" / "sources" / "seed-article.yml"
    seed.write_text(
        seed.read_text(encoding="utf-8") + f'archived: {ARCHIVED}\narchived_on: "2025-06-27"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2025-07-01T12:00:00Z",
        "GIT_COMMITTER_DATE": "2025-07-01T12:00:00Z",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "facts"]):
        subprocess.run(["git", "-C", str(work), *args], check=True, env=env, capture_output=True)
    result = mkdocs_build(work, env={"FACTSHEETS_BASE_URL": BASE})
    assert result.returncode == 0, result.stderr[-3000:]
    return work / "site"


def _citation(site: Path, type_: str, id_: str) -> tuple[str, str, str]:
    """(the plain-text paragraph, the BibTeX block, the CSL-JSON block) under 'Cite this page'."""
    text = (site / type_ / id_ / "index.html").read_text(encoding="utf-8")
    section = text[text.index('id="cite"') :]
    plain = re.sub(r"<[^>]+>", "", section[section.index("<p>") : section.index("</p>")])
    blocks = [html.unescape(b) for b in CODE.findall(section)[:2]]
    return html.unescape(plain).strip(), blocks[0], blocks[1]


def test_the_seed_meeting_page_offers_a_citation_in_three_forms(site: Path):
    page = site / "meetings" / "singh-belousov-2025-06-26" / "index.html"
    assert "cite" in parse(page).ids
    plain, bibtex, csl = _citation(site, "meetings", "singh-belousov-2025-06-26")
    url = BASE + "meetings/singh-belousov-2025-06-26/"
    assert plain == (
        "“Rajnath Singh meets Andrey Belousov”. Diplomacy Fact Sheets, version of 1 July 2025. "
        + url
    )
    library = bibtexparser.parse_string(bibtex)
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "misc"
    assert entry.fields_dict["url"].value == url
    assert entry.fields_dict["title"].value == "{Rajnath Singh meets Andrey Belousov}"
    assert entry.fields_dict["note"].value == "Version of 2025-07-01"
    items = json.loads(csl)
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(items)
    assert items[0]["URL"] == url and items[0]["issued"] == {"date-parts": [[2025, 7, 1]]}
    assert items[0]["container-title"] == "Diplomacy Fact Sheets"


def test_every_record_page_has_a_valid_citation(site: Path):
    validator = jsonschema.Draft7Validator(CSL_SCHEMA)
    pages = 0
    for type_ in ("actors", "places", "meetings", "positions", "topics", "sources"):
        for path in sorted((VALID / type_).glob("*.yml")):
            plain, bibtex, csl = _citation(site, type_, path.stem)
            assert f"{BASE}{type_}/{path.stem}/" in plain
            assert not bibtexparser.parse_string(bibtex).failed_blocks
            validator.validate(json.loads(csl))
            pages += 1
    assert pages >= 10


def test_the_citation_needs_no_script(site: Path):
    page = parse(site / "actors" / "rajnath-singh" / "index.html")
    assert "version of 1 July 2025" in page.text  # in the HTML itself, not written by a script


def test_bibtex_special_characters_are_escaped():
    escaped = bibtex_escape("R&D {50%} #1 a_b ~ ^ \\")
    library = bibtexparser.parse_string("@misc{k,\n  title = {" + escaped + "},\n}\n")
    assert not library.failed_blocks
    assert (
        escaped == r"R\&D \{50\%\} \#1 a\_b \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )


def test_pages_show_the_archived_copy_beside_the_original(site: Path):
    source = site / "sources" / "seed-article" / "index.html"
    html_text = parse(source)
    assert ARCHIVED in html_text.links
    assert "Archived copy" in html_text.text and "archived 27 June 2025" in html_text.text
    meeting = parse(site / "meetings" / "singh-belousov-2025-06-26" / "index.html")
    assert ARCHIVED in meeting.links  # in the page's list of sources, beside the source's link
