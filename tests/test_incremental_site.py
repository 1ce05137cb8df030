"""Incremental builds through real MkDocs: `mkdocs serve`'s rebuilds (one process, the plugin
kept) and a second `mkdocs build` (the state in .cache/) give byte for byte the site a clean build
gives; and `mkdocs serve` survives an invalid save and recovers on the next good one."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sitebuild import ROOT, mkdocs_build, parse, prepare, tree_digest

ENV = {
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
    "SOURCE_DATE_EPOCH": "1750896000",
    "OFFLINE": "false",
}
MEETING = "content/meetings/singh-lavrov-2025-07-01.yml"
NEW_MEETING = (
    'title: Rajnath Singh meets Sergei Lavrov\nkind: bilateral\ndate: "2025-07-01"\n'
    "place: moscow\nparticipants:\n  - actor: rajnath-singh\n  - actor: sergei-lavrov\n"
    "topics: [defence-cooperation]\nsummary: A meeting in [[moscow]].\n"
    "cite: [seed-article]\nstatus: reported\n"
)
# [file, old, new]: new None deletes the file, old None writes it whole
STEPS = [
    [],
    [["content/actors/rajnath-singh.yml", "name: Rajnath Singh", "name: Rajnath Singh Ji"]],
    [
        [MEETING, None, NEW_MEETING],
        [
            "content/topics/pahalgam-attack.yml",
            "parent: counter-terrorism",
            "parent: regional-security",
        ],
    ],
    [[MEETING, "", None], ["templates/place.md.j2", "## Places here", "## Places within"]],
    [["templates/place.md.j2", "## Places within", "## Places inside"]],
    # "Ji" was the one word of its search shard: the shard goes
    [["content/actors/rajnath-singh.yml", "name: Rajnath Singh Ji", "name: Rajnath Singh"]],
    [["docs/architecture.md", "# Architecture", "# The architecture"]],
    # the quick rebuild fails after it showed the pages, writing a data file (SERVE_LIKE
    # breaks it): the requests are held again and the full one runs instead
    [["content/actors/rajnath-singh.yml", "name: Rajnath Singh", "name: Rajnath Singh Ji"]],
    # the quick rebuild fails midway, converting a page: the full one runs instead
    [["content/actors/rajnath-singh.yml", "name: Rajnath Singh Ji", "name: Rajnath Singh"]],
]
# Rebuilds the site in one process, the way `mkdocs serve` does (a new config each time, the
# plugin kept since it has on_startup), after each step's edits; a clean build in a fresh
# process beside each. "quick": as `make serve` rebuilds after an edit, through the builder the
# plugin's on_serve puts on the server (generator/preview.py), which falls back to the full one.
SERVE_LIKE = r"""
import hashlib, json, shutil, subprocess, sys, threading, types
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
STEPS = json.loads(Path(sys.argv[1]).read_text())
for i, edits in enumerate(STEPS):
    for name, old, new in edits:
        path = Path(name)
        if new is None:
            path.unlink()
        elif old is None:
            path.write_text(new, encoding="utf-8")
        else:
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    quick = sys.argv[2] == "quick"
    dirty = sys.argv[2] in ("dirty", "quick")  # `make serve`: one folder, files left alone
    full = lambda: build(load_config("mkdocs.yml", site_dir=site_dir, strict=True), dirty=dirty)
    site_dir = "served" if dirty else f"served-{i}"
    shown = []  # what the served folder held when the rebuild showed it (MkDocs' server's epoch)
    class Epochs(threading.Condition):  # the part of MkDocs' LiveReloadServer the plugin moves on
        def notify_all(self):
            shown.append([
                hashlib.sha256(Path("served/data/facts.json").read_bytes()).hexdigest(),
                "Rajnath Singh Ji" in Path(
                    "served/meetings/singh-khrenin-meeting-2025-06-26/index.html"
                ).read_text(encoding="utf-8"),
            ])
            super().notify_all()
    if i == 0:
        config = load_config("mkdocs.yml", site_dir=site_dir, strict=True)
        config.plugins.on_startup(command="serve", dirty=dirty)
        plugin = config.plugins["factsheets"]
        build(config, dirty=dirty)
        server = types.SimpleNamespace(builder=full, _epoch_cond=Epochs(), _visible_epoch=0)
        if quick:
            server = config.plugins.on_serve(server, config=config, builder=full)
    else:
        import generator.preview
        def broken(*args):
            raise OSError("a broken disk")
        working = generator.preview.write_assets
        if quick and i == len(STEPS) - 2:  # writing a data file fails in the quick rebuild
            generator.preview.write_assets = broken
        if quick and i == len(STEPS) - 1:  # a page's conversion fails in the quick rebuild
            generator.preview.convert = broken
        server._wanted_epoch = i  # as the server's build loop sets it before each rebuild
        server._visible_epoch = i - 1
        server.builder()
        generator.preview.write_assets = working
    if dirty:
        shutil.copytree("served", f"served-{i}", copy_function=shutil.copy2)
    print(json.dumps([len(plugin.state.rendered), plugin.made.last_reused,
                      getattr(plugin, "last_kept_pages", 0), plugin.last_quick, shown,
                      i > 0 and server._visible_epoch == i,
                      i > 0 and server._wanted_epoch > i]),
          flush=True)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", f"clean-{i}"],
                   check=True, env={**__import__("os").environ, "FACTSHEETS_CACHE": "off"})
"""


def _tree(folder: Path) -> dict[str, str]:
    """Every file's digest, and every folder (a dirty build must not leave empty ones)."""
    folders = {str(p.relative_to(folder)) + "/": "" for p in folder.rglob("*") if p.is_dir()}
    return {**tree_digest(folder), **folders}


@pytest.mark.parametrize("mode", ["clean", "dirty", "quick"])
def test_serve_rebuilds_are_clean_builds(tmp_path: Path, mode: str):
    workdir = prepare(tmp_path / "site", ROOT / "content")
    steps = tmp_path / "steps.json"
    steps.write_text(json.dumps(STEPS), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", SERVE_LIKE, str(steps), mode],
        cwd=workdir,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    counts = [json.loads(line) for line in run.stdout.splitlines()]
    for i in range(len(STEPS)):
        served, clean = _tree(workdir / f"served-{i}"), _tree(workdir / f"clean-{i}")
        assert served.keys() == clean.keys(), f"step {i}: {served.keys() ^ clean.keys()}"
        stale = [name for name in clean if served[name] != clean[name]]
        assert not stale, f"step {i}: {stale[:5]} differ from a clean build"
    (rendered, reused, kept, quick, _shown, _visible, _renewed) = counts[
        1
    ]  # the rename: some pages
    # again, most as before
    assert 0 < rendered < counts[0][0] and reused > rendered
    if mode == "dirty":  # from the first rebuild on, every page as last time is left alone
        assert counts[0][2] == 0 and kept == reused
    # an edit of the content or of a template is a quick rebuild; a record added or removed,
    # or a page of docs/ changed, a full one
    assert [step[3] for step in counts] == (
        [False, True, False, False, True, True, False, False, False]
        if mode == "quick"
        else [False] * 9
    )
    if mode == "quick":
        # a quick rebuild shows the edit's pages (answers the requests MkDocs' server holds and
        # reloads the browsers) once they are written, and makes the data files after them:
        # the rename shown with the last build's data/facts.json, which then changes
        digest = lambda i: hashlib.sha256(  # noqa: E731
            (workdir / f"served-{i}/data/facts.json").read_bytes()
        ).hexdigest()
        assert counts[1][4] == [[digest(0), True]] and digest(0) != digest(1)
        # a full rebuild (a record added, and the quick one that failed) shows nothing early
        assert counts[2][4] == [] and counts[8][4] == []
        # shown, then failed writing a data file: held again (the epoch shown before is the
        # visible one) for the full build, under a new epoch for the browsers that reloaded
        assert len(counts[7][4]) == 1 and counts[7][4][0][1] is True  # the new name shown
        assert not counts[7][5] and counts[7][6]
        assert not any(step[6] for step in counts[1:7])
        assert all(step[5] for step in counts[1:] if step[3])  # still shown when it ends
    assert (
        "Rajnath Singh Ji"
        in parse(workdir / "served-1/meetings/singh-khrenin-meeting-2025-06-26/index.html").text
    )
    assert not (workdir / "served-3/meetings/singh-lavrov-2025-07-01").exists()
    # the search shard of "ji" is written with the rename and removed with its undoing
    assert (workdir / "served-1/search/t/6a-69.js").is_file()
    assert not (workdir / "served-5/search/t/6a-69.js").exists()
    assert (workdir / "served-2/meetings/singh-lavrov-2025-07-01/index.html").exists()


def test_a_second_build_reads_the_cache_and_equals_a_clean_build(tmp_path: Path):
    workdir = prepare(tmp_path / "site", ROOT / "content")
    first = mkdocs_build(workdir, site_dir="first")
    assert first.returncode == 0, first.stderr[-2000:]
    assert (workdir / ".cache/factsheets/state.sqlite").is_file()
    actor = workdir / "content/actors/rajnath-singh.yml"
    actor.write_text(
        actor.read_text(encoding="utf-8").replace("Rajnath Singh", "R. Singh"), "utf-8"
    )
    second = mkdocs_build(workdir, site_dir="second")
    assert second.returncode == 0, second.stderr[-2000:]
    rendered = re.search(r"factsheets: (\d+) of (\d+) pages rendered, (\d+)", second.stderr)
    assert rendered and 0 < int(rendered[1]) < int(rendered[2]) and int(rendered[3]) > 0
    clean = mkdocs_build(workdir, site_dir="clean", env={"FACTSHEETS_CACHE": "off"})
    assert clean.returncode == 0
    assert tree_digest(workdir / "second") == tree_digest(workdir / "clean")
    # a template edit invalidates what was made of every page
    template = workdir / "templates/actor.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = mkdocs_build(workdir, site_dir="third")
    again = re.search(r"factsheets: (\d+) of (\d+) pages rendered", third.stderr)
    assert again and again[1] == again[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_serve_survives_an_invalid_save_and_recovers(tmp_path: Path):
    workdir = prepare(tmp_path / "site", ROOT / "content")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--strict",  # watching for changes needs live reload (the default): keep it
            "--dirty",  # as `make serve`
            "-a",
            f"127.0.0.1:{port}",
        ],
        cwd=workdir,
        env={**os.environ, **ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    actor_url = f"{base}/actors/viktor-khrenin/"
    meeting_url = f"{base}/meetings/singh-khrenin-meeting-2025-06-26/"
    output = lambda: (tmp_path / "serve.log").read_text(encoding="utf-8")  # noqa: E731
    try:
        _until(lambda: "Viktor Khrenin" in _get(actor_url), 600, "the first build")
        actor = workdir / "content/actors/viktor-khrenin.yml"
        good = actor.read_text(encoding="utf-8")
        actor.write_text(good.replace("country: belarus", "country: belarusia"), encoding="utf-8")
        _until(lambda: "link.unresolved" in output(), 300, "the invalid save's problems")
        assert re.search(r"actors/viktor-khrenin\.yml:\d+:\d+: error: .*belarusia", output())
        assert "Traceback" not in output()
        # the last good pages stay served, the problems on top of each
        page = _until(
            lambda: (lambda t: "fs-build-problems" in t and t)(_get(actor_url)), 120, "the banner"
        )
        assert "Viktor Khrenin" in page and "belarusia" in page and "link.unresolved" in page
        actor.write_text(good.replace("name: Viktor Khrenin", "name: Viktor G. Khrenin"), "utf-8")
        _until(lambda: "Viktor G. Khrenin" in _get(actor_url), 300, "the recovery")
        _until(lambda: "Viktor G. Khrenin" in _get(meeting_url), 60, "the meeting page")
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("watching", ["events", "polling"])
def test_serve_sees_saves_by_rename_quick_or_full(tmp_path: Path, watching: str):
    """An editor that saves by writing a new file and renaming it over the old one (vim, many
    IDEs): `make serve` sees it in a record (a quick rebuild) and in mkdocs.yml (a full one),
    through the system's file events or, with FACTSHEETS_POLLING, by polling."""
    workdir = prepare(tmp_path / "site", ROOT / "content")
    port = _free_port()
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    serve = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dirty", "--verbose"]
        + ["-a", f"127.0.0.1:{port}"],
        cwd=workdir,
        env={**os.environ, **ENV, "FACTSHEETS_POLLING": str(watching == "polling").lower()},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    actor_url = f"http://127.0.0.1:{port}/actors/viktor-khrenin/"
    output = lambda: log_path.read_text(encoding="utf-8")  # noqa: E731

    def save_by_rename(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        temporary = path.with_name(path.name + ".swp")
        temporary.write_text(text.replace(old, new), encoding="utf-8")
        os.replace(temporary, path)

    try:
        _until(lambda: "Viktor Khrenin" in _get(actor_url), 600, "the first build")
        events = "folders watched through the system's file events" in output()
        assert events == (watching == "events")
        actor = workdir / "content/actors/viktor-khrenin.yml"
        save_by_rename(actor, "name: Viktor Khrenin", "name: Viktor G. Khrenin")
        _until(lambda: "Viktor G. Khrenin" in _get(actor_url), 300, "the record's save")
        _until(lambda: "factsheets: quick rebuild" in output(), 60, "the quick rebuild")
        save_by_rename(workdir / "mkdocs.yml", "site_name: ", "site_name: Renamed ")
        _until(lambda: "Renamed " in _get(actor_url), 300, "mkdocs.yml's save")
        assert "a full rebuild: mkdocs.yml" in output()
        # and again, the record: the rename left the folder's watch in place
        save_by_rename(actor, "name: Viktor G. Khrenin", "name: Viktor Khrenin")
        _until(lambda: "Viktor G. Khrenin" not in _get(actor_url), 300, "the second save")
        assert "Traceback" not in output()
        # each save seen, and nothing else: the build reading the watched files is no change
        time.sleep(3)
        assert output().count("Detected file changes") == 3, output()[-3000:]
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        log.close()


def test_the_watcher_reports_a_folder_moved_away_as_a_change(tmp_path: Path):
    """inotify reports a folder moved out of the watched tree as the folder's event alone, which
    MkDocs' handler ignores (polling saw each file go): the Watcher hands it on as a file's."""
    import shutil
    import threading

    from watchdog.events import FileSystemEventHandler

    from generator.preview import Watcher

    watched = tmp_path / "content"
    (watched / "batch").mkdir(parents=True)
    (watched / "batch/a.yml").write_text("name: A\n", encoding="utf-8")
    seen: list = []
    got = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):  # as MkDocs' LiveReloadServer.watch does
            if not event.is_directory:
                seen.append(event)
                got.set()

    watcher = Watcher()
    watcher.schedule(Handler(), str(watched), recursive=True)
    watcher.start()
    try:
        time.sleep(0.3)
        (watched / "batch/a.yml").read_text(encoding="utf-8")  # a read is no change
        time.sleep(0.5)
        assert not seen, seen
        shutil.move(str(watched / "batch"), str(tmp_path / "trash"))
        assert got.wait(5), "the move was not reported"
        assert any(str(watched / "batch") == e.src_path for e in seen), seen
    finally:
        watcher.stop()
        watcher.join(5)
