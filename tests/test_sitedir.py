"""The site folder across --dirty builds (generator/sitedir.py), on real files: what a build keeps
or links, and what the sweep removes — only what a clean build would not have written."""

from __future__ import annotations

import os
from pathlib import Path

from generator.sitedir import Output, Written, now_in, sweep, unlink_others


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_sweep_removes_only_what_no_output_names_and_this_build_did_not_write(tmp_path: Path):
    site = tmp_path / "site"
    for name in (
        "kept/index.html",
        "gone/index.html",
        "gone/deep/x.json",
        ".git/HEAD",
        ".nojekyll",
    ):
        _write(site / name, "old")
    (site / "empty-before").mkdir()
    since = now_in(str(site))
    _write(site / "sitemap.xml", "written by this build, named by no output")
    removed = sweep(str(site), {"kept/index.html"}, since)
    assert removed == ["gone/deep/x.json", "gone/index.html"]
    assert (site / "kept/index.html").read_text() == "old"
    assert (site / "sitemap.xml").exists()
    assert not (site / "gone").exists() and not (site / "empty-before").exists()
    # hidden top-level entries stay, as MkDocs' own clean leaves them (a gh-pages worktree)
    assert (site / ".git/HEAD").exists() and (site / ".nojekyll").exists()
    assert not [p for p in site.iterdir() if p.name.startswith(".factsheets-clock")]


def test_a_file_is_held_while_its_key_size_and_time_are_as_written(tmp_path: Path):
    site = tmp_path / "site"
    _write(site / "a/index.html", "<p>a</p>")
    page = Output("a.md", None, str(site), True)
    since = now_in(str(site)) - 10**9
    page.key = "k1"
    written = Written()
    written.record(str(site), [page], since)
    assert written.holds(str(site), "a/index.html", "k1")
    assert not written.holds(str(site), "a/index.html", "k2")  # other Markdown or settings
    os.utime(site / "a/index.html", ns=(0, 0))  # touched by someone else
    assert not written.holds(str(site), "a/index.html", "k1")


def test_keep_links_from_the_last_site_and_never_shares_what_is_written(tmp_path: Path):
    old, new = tmp_path / "site", tmp_path / ".site.new"
    _write(old / "a/index.html", "<p>a</p>")
    page = Output("a.md", None, str(old), True)
    page.key = "k"
    written = Written()
    written.record(str(old), [page], now_in(str(old)) - 10**9)
    assert written.keep(str(old), str(new), "a/index.html", "k")
    assert (new / "a/index.html").stat().st_ino == (old / "a/index.html").stat().st_ino
    assert not written.keep(str(old), str(new), "a/index.html", "other")
    assert not written.keep(str(old), str(new), "b/index.html", "k")
    assert Output("a.md", None, str(new), True).is_modified()  # not kept unless said so


def test_in_a_new_folder_only_linked_files_no_output_names_are_removed(tmp_path: Path):
    site = tmp_path / ".site.new"
    _write(site / "kept/index.html", "linked")
    _write(site / "excluded/deep/index.html", "linked, then excluded by MkDocs")
    _write(site / "404.html", "written")
    linked = [Output(name, None, str(site), True) for name in ("kept.md", "excluded/deep.md")]
    removed = unlink_others(str(site), linked, {"kept/index.html", "404.html"})
    assert removed == ["excluded/deep/index.html"]
    assert not (site / "excluded").exists()
    assert (site / "kept/index.html").exists() and (site / "404.html").exists()
