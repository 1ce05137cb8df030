"""generator.bundle: names, the offline check and the reproducible zip (no MkDocs build here)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from scratch import write_tree

from generator import bundle

ASSETS = Path(__file__).resolve().parent.parent / "docs" / "assets"


def test_slugify() -> None:
    assert bundle.slugify("Diplomacy Fact Sheets") == "diplomacy-fact-sheets"
    assert bundle.slugify("  Faits — diplomatie  ") == "faits-diplomatie"
    assert bundle.slugify("Факты") == "site"


def test_site_name_is_read_as_mkdocs_reads_it(tmp_path: Path, monkeypatch) -> None:
    """A plain name, one from the environment (`!ENV`), and a config without one."""
    config = write_tree(tmp_path, {"mkdocs.yml": "site_name: Faits — diplomatie\nnav: []\n"})
    assert bundle.read_site_name(config / "mkdocs.yml") == "Faits — diplomatie"
    (config / "mkdocs.yml").write_text("site_name: !ENV [SITE_NAME, Fallback]\n", "utf-8")
    monkeypatch.setenv("SITE_NAME", "From the environment")
    assert bundle.read_site_name(config / "mkdocs.yml") == "From the environment"
    (config / "mkdocs.yml").write_text("nav: []\n", "utf-8")
    with pytest.raises(bundle.BundleError, match="has no site_name"):
        bundle.read_site_name(config / "mkdocs.yml")


def test_check_flags_loads_but_not_plain_links(tmp_path: Path) -> None:
    site = write_tree(
        tmp_path / "site",
        {
            "index.html": (
                '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
                '<link rel="canonical" href="https://example.org/">'
                '<script src="//cdn.jsdelivr.net/npm/x.js"></script>'
                '<a href="https://example.org/a-source">a source</a>'
                '<img src="assets/local.png">'
            ),
            "page.html": '<a href="https://example.org/">only a link</a><script src="a.js"></script>',
            "assets/x.css": "@font-face{src:url(https://cdn.example.com/f.woff2)} b{x:url(../i.png)}",
            "assets/y.js": 'fetch("https://fonts.gstatic.com/s/roboto.woff2")',
            "search/search_index.js": 'var __index = {"text": "see https://unpkg.com/x"}',
        },
    )
    found = bundle.find_external_references(site)
    assert set(found) == {"index.html", "assets/x.css", "assets/y.js"}
    assert found["index.html"] == [
        "//cdn.jsdelivr.net/npm/x.js",
        "https://fonts.googleapis.com/css?family=Roboto",
    ]
    with pytest.raises(bundle.BundleError, match="assets/x.css"):
        bundle.check_offline(site)


def test_vendored_assets_pass_the_check() -> None:
    assert bundle.find_external_references(ASSETS) == {}
    assert (ASSETS / "javascripts" / "search.js").is_file()


def test_zip_is_reproducible_and_under_one_folder(tmp_path: Path) -> None:
    files = {"index.html": "<p>राजनाथ सिंह</p>", "b/c.js": "x", "a.css": "y", "m.js.map": "{}"}
    first = write_tree(tmp_path / "one", files)
    second = write_tree(tmp_path / "two", dict(reversed(list(files.items()))))
    (second / "a.css").touch()  # a different mtime must not matter
    z1, z2 = tmp_path / "z1.zip", tmp_path / "z2.zip"
    assert bundle.write_zip(first, "site-1.0", z1, 1750896000) == 3
    bundle.write_zip(second, "site-1.0", z2, 1750896000)
    assert z1.read_bytes() == z2.read_bytes()
    with zipfile.ZipFile(z1) as zf:
        assert zf.namelist() == ["site-1.0/a.css", "site-1.0/b/c.js", "site-1.0/index.html"]
        info = zf.getinfo("site-1.0/index.html")
        assert info.date_time == (2025, 6, 26, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644
        assert zf.read(info).decode() == files["index.html"]


def test_older_zips_of_the_same_site_are_removed(tmp_path: Path) -> None:
    names = ["s-0.9.zip", "s-1.0.zip", "s-extra.zip", "other-1.0.zip"]
    for name in names:
        (tmp_path / name).touch()
    removed = bundle.remove_older(tmp_path, "s", tmp_path / "s-1.0.zip")
    assert [p.name for p in removed] == ["s-0.9.zip"]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["other-1.0.zip", "s-1.0.zip", "s-extra.zip"]


def test_bad_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(bundle.BundleError):
        bundle.source_date_epoch()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert bundle.source_date_epoch() == bundle.DEFAULT_SOURCE_DATE_EPOCH
