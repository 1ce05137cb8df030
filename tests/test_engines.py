"""The engines the README supports build the shipped content into the same site.

MkDocs 1.6.1 is its last release; ProperDocs (a maintained fork that reads `mkdocs.yml` and runs
`mkdocs.plugins` entry points, our plugin among them) is the way on. Both build the shipped
`content/` with and without the offline toggle, from scratch (no build cache), and every file of
the two sites is byte-identical but for the generator tag, which names the engine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sitebuild import ROOT, mkdocs_build, prepare

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return prepare(tmp_path_factory.mktemp("engines"), ROOT / "content")


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_properdocs_builds_the_same_site_as_mkdocs(work, offline):
    sites = {}
    for engine in ("mkdocs", "properdocs"):
        site = work / f"site-{engine}-{offline}"
        result = mkdocs_build(
            work,
            site_dir=site.name,
            offline=offline,
            engine=engine,
            env={"FACTSHEETS_CACHE": "off"},
        )
        assert result.returncode == 0, f"{engine}: {result.stderr[-3000:]}"
        sites[engine] = {
            p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()
        }
        shutil.rmtree(work / ".cache", ignore_errors=True)
    mkdocs, properdocs = sites["mkdocs"], sites["properdocs"]
    assert sorted(properdocs) == sorted(mkdocs)
    # the record pages really were built (offline: <path>.html; online: <path>/index.html)
    page = "actors/rajnath-singh.html" if offline else "actors/rajnath-singh/index.html"
    assert b"Rajnath Singh" in properdocs[Path(page)]
    tags = set()
    for name, body in mkdocs.items():
        other = properdocs[name]
        if name.suffix == ".html":
            tags.update(m.group(1) for m in GENERATOR.finditer(other))
            body, other = GENERATOR.sub(b"", body), GENERATOR.sub(b"", other)
        assert other == body, f"{name} differs between MkDocs and ProperDocs"
    assert tags and all(b"ProperDocs 1.6.7" in tag for tag in tags), tags
