"""Search in headless Chromium, online and offline, at the sizes the site supports (issue 9).

For the shipped content and synthetic sites (default 1,000 and 10,000 records from `bench.synth`,
seed 0) this builds the online site (`mkdocs build --strict`) and the offline bundle
(`python -m generator.bundle`, unzipped), then opens the home page in Debian's Chromium — served
from 127.0.0.1, or from file:// — and measures, in the page (performance.now(), from the start
of navigation):

* load      — the load event;
* ready     — the search widget has its manifest (search.js sets data-ready);
* first     — the first result on screen, for a query typed at the load event (the figure the
              target is about: a reader opens the page and searches at once);
* keystroke — on a page whose results for the query less its last letter are on screen: the
              last letter typed to the refined results on screen;
* bytes     — what the browser loaded for search before the first result (search.js and the
              index files, sizes on disk); "page bytes" is the rest (page, theme scripts and
              styles; fonts and images too online — Chromium keeps no resource timing for
              file://, so offline only the scripts and stylesheets are counted).

Each figure is the median of --runs fresh browser contexts (cold cache). Targets (issue 9): first
result <= 300 ms after the load event; a keystroke <= 50 ms; search bytes <= 1 MiB. Also reported:
the whole index on disk, and the bundle zip, so growth with the records shows side by side.

    .venv/bin/python bench/browser_bench.py [--records 1000,10000] [--runs 5] [--keep DIR]
                                            [--reuse DIR] [--json FILE] [--index-only]

--index-only measures search at each synthetic size on the shipped pages with that size's index
swapped in (no N-page build; the page counts and zip sizes printed are then the shipped ones).

Not part of `make test` (the 10,000-record builds take minutes). --keep DIR keeps the builds;
--reuse DIR measures builds kept earlier without rebuilding.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# `python bench/browser_bench.py` puts bench/ first on the path: import the `bench` package and
# `generator` from the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.synth import write_content  # noqa: E402
from tests.sitebuild import BUILD_ENV, CHROMIUM, CHROMIUM_ARGS, prepare  # noqa: E402

ENV = {**BUILD_ENV, "FACTSHEETS_EDIT_URL": ""}
TARGET_MS = 300  # first result after the load event
TARGET_KEY_MS = 50  # one more letter typed -> refined results
TARGET_BYTES = 1024 * 1024  # search bytes before the first result
QUERY = "Belousov"  # a name in the shipped content, and a surname the synthetic content uses

# Installed before any page script; everything happens in the page, on the page's own clock, so
# the figures carry no remote-control latency. At the load event the reader "types" the query
# (focus the box, set its value, an input event: what the widget listens to). Mode "cold" types
# at once; mode "warm" waits until the results for the query less its last letter are on screen,
# then types the last letter. The widget sets data-query on its root once the results of that
# query are on screen. Recorded: ready, typed, first (and the resources loaded by then).
PROBE = """
(() => {
  const query = %(query)s, mode = %(mode)s;
  const b = window.__bench = {};
  const type = (text) => {
    const box = document.querySelector('#fs-search-input');
    box.value = text;
    b.typed = performance.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
  };
  new MutationObserver(() => {
    const root = document.querySelector('[data-fs-search]');
    if (!root) return;
    if (!b.ready && root.dataset.ready) b.ready = performance.now();
    if (b.typed && !b.first && root.dataset.query === query) {
      b.first = performance.now();
      b.found = document.querySelector('#fs-search-results [role=option]') !== null;
      // Chromium keeps no resource timing for file:// loads: add the scripts and stylesheets
      b.resources = [...new Set([
        ...performance.getEntriesByType('resource').map(e => e.name),
        ...[...document.scripts].map(e => e.src).filter(Boolean),
        ...[...document.querySelectorAll('link[rel~=stylesheet]')].map(e => e.href)])];
    } else if (mode === 'warm' && !b.typed && root.dataset.query === query.slice(0, -1)) {
      setTimeout(() => type(query), 0);
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['data-query', 'data-ready']});
  window.addEventListener('load', () => {
    document.querySelector('#fs-search-input').focus();
    if (mode === 'cold') type(query);
    else {
      const box = document.querySelector('#fs-search-input');
      box.value = query.slice(0, -1);
      box.dispatchEvent(new Event('input', {bubbles: true}));
    }
  });
})();
"""


# ------------------------------------------------------------------------------------------------
# Builds


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    env = {**os.environ, **ENV, **env}
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{(result.stdout + result.stderr)[-4000:]}")
    return time.perf_counter() - started


def build(label: str, content: Path, base: Path) -> dict:
    """Online site in base/label/online/site, bundle unzipped in base/label/unzipped/<stem>."""
    online, bundle = base / label / "online", base / label / "bundle"
    prepare(online, content)
    prepare(bundle, content)
    print(f"[{label}] building the online site and the offline bundle …", file=sys.stderr)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        t_online = pool.submit(
            _run,
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"],
            online,
            {"OFFLINE": "false"},
        )
        t_bundle = pool.submit(
            _run,
            [
                sys.executable,
                "-m",
                "generator.bundle",
                "-f",
                str(bundle / "mkdocs.yml"),
                "-o",
                str(bundle / "dist"),
            ],
            bundle,
            {},
        )
        seconds = {"online": t_online.result(), "bundle": t_bundle.result()}
    (zip_path,) = sorted((bundle / "dist").glob("*.zip"))
    unzipped = base / label / "unzipped"
    if unzipped.exists():
        shutil.rmtree(unzipped)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(unzipped)
    print(
        f"[{label}] built in {seconds['online']:.0f} s (online), "
        f"{seconds['bundle']:.0f} s (bundle)",
        file=sys.stderr,
    )
    return {"build_seconds": seconds}


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def swap_index(label: str, content: Path, base: Path) -> dict:
    """--index-only: the shipped builds, with the search index of `content` in place of theirs.

    What the reader's browser does for search depends on the index files, search.js and the
    page it is on, not on how many other pages the site has: this measures search at N records
    without building N pages (minutes on a shared machine). The zip is the shipped one."""
    from generator import pipeline
    from generator.search import build_index

    started = time.perf_counter()
    checked = pipeline.check(content)
    if not checked.ok:
        raise SystemExit(f"{content}: the synthetic content is invalid")
    files = build_index(checked.facts)
    seconds = time.perf_counter() - started
    for part in ("online", "bundle", "unzipped"):
        target = base / label / part
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(base / "shipped" / part, target, symlinks=True)
    (zip_path,) = sorted((base / label / "bundle" / "dist").glob("*.zip"))
    for site in (base / label / "online" / "site", base / label / "unzipped" / zip_path.stem):
        shutil.rmtree(site / "search")
        for path, data in files.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(data)
    print(
        f"[{label}] index of {len(files)} files in {seconds:.0f} s (check + index)", file=sys.stderr
    )
    return {"index_only": True, "index_seconds": seconds}


def locate(label: str, base: Path) -> dict:
    site = base / label / "online" / "site"
    (zip_path,) = sorted((base / label / "bundle" / "dist").glob("*.zip"))
    offline = base / label / "unzipped" / zip_path.stem
    shards = sorted((site / "search" / "t").glob("*.js"), key=lambda p: p.stat().st_size)
    return {
        "site_dir": site,
        "offline_dir": offline,
        "pages": sum(1 for _ in site.rglob("index.html")),
        "index_files": sum(1 for p in (site / "search").rglob("*.js")),
        "index_bytes": _size(site / "search"),
        "largest_shard_bytes": shards[-1].stat().st_size if shards else 0,
        "zip": zip_path.name,
        "zip_bytes": zip_path.stat().st_size,
        "offline_bytes": _size(offline),
    }


# ------------------------------------------------------------------------------------------------
# Measurements


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def _loaded_bytes(root: Path, base_url: str, urls: list[str]) -> tuple[int, int]:
    """(search bytes, other bytes) of the resources the page loaded, by their files on disk."""
    search_bytes = other = 0
    for url in urls:
        path = unquote(urlsplit(url).path)
        if base_url.startswith("http"):
            path = path[len(urlsplit(base_url).path) :]
            file = root / path
        else:
            file = Path(path)
        if file.is_dir():
            file = file / "index.html"
        size = file.stat().st_size if file.is_file() else 0
        rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
        if rel.startswith("search/") or rel == "assets/javascripts/search.js":
            search_bytes += size
        else:
            other += size
    return search_bytes, other


def _console_error(errors: list[str], message) -> None:
    if message.type == "error":
        errors.append(message.text)


def measure(browser, url: str, root: Path, runs: int, query: str) -> dict:
    cold, warm = [], []
    for _ in range(runs):
        for mode in ("cold", "warm"):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(PROBE % {"query": json.dumps(query), "mode": json.dumps(mode)})
            page = context.new_page()
            errors: list[str] = []
            page.on("console", functools.partial(_console_error, errors))
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.set_default_timeout(int(os.environ.get("BENCH_TIMEOUT_MS", "180000")))
            page.goto(url, wait_until="load")
            try:
                page.wait_for_function("() => window.__bench.first")
            except Exception:
                state = page.evaluate("() => JSON.stringify(window.__bench)")
                raise SystemExit(f"{url}: no result in {mode} mode: {state} {errors}") from None
            b = page.evaluate(
                "() => ({...window.__bench,"
                " load: performance.getEntriesByType('navigation')[0].loadEventEnd})"
            )
            context.close()
            if not b.get("found"):
                raise SystemExit(f"{url}: no result for {query!r}: choose another query")
            if errors:
                raise SystemExit(f"{url}: console errors: {errors}")
            b["search_bytes"], b["page_bytes"] = _loaded_bytes(
                root, url, [url.split("#")[0], *b["resources"]]
            )
            (cold if mode == "cold" else warm).append(b)

    def median(key, rows, minus=None):
        return round(statistics.median(r[key] - (r[minus] if minus else 0) for r in rows))

    return {
        "load_ms": median("load", cold),
        "ready_ms": median("ready", cold),
        "first_result_ms": median("first", cold),
        "first_result_after_load_ms": median("first", cold, "load"),
        "first_result_runs_ms": [round(r["first"] - r["load"]) for r in cold],
        "keystroke_ms": median("first", warm, "typed"),
        "keystroke_runs_ms": [round(r["first"] - r["typed"]) for r in warm],
        "search_bytes": median("search_bytes", cold),
        "page_bytes": median("page_bytes", cold),
    }


def run_browser(datasets: dict[str, dict], runs: int, query: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for label, data in datasets.items():
                handler = functools.partial(_Quiet, directory=str(data["site_dir"]))
                server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
                server.daemon_threads = True
                threading.Thread(target=server.serve_forever, daemon=True).start()
                try:
                    online_url = f"http://127.0.0.1:{server.server_address[1]}/"
                    print(f"[{label}] measuring online …", file=sys.stderr)
                    data["online"] = measure(browser, online_url, data["site_dir"], runs, query)
                    print(f"[{label}] measuring offline …", file=sys.stderr)
                    offline_url = (data["offline_dir"] / "index.html").as_uri()
                    data["offline"] = measure(
                        browser, offline_url, data["offline_dir"], runs, query
                    )
                finally:
                    server.shutdown()
                    server.server_close()
        finally:
            browser.close()


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


def _verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else f"MISS ({value / target:.1f}x)"


def report(datasets: dict[str, dict]) -> None:
    print()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f}; Chromium {CHROMIUM}")
    print(
        f"targets: first result <= {TARGET_MS} ms after the load event, a keystroke <= "
        f"{TARGET_KEY_MS} ms, search bytes before the first result <= {mib(TARGET_BYTES)}"
    )
    for label, d in datasets.items():
        build = d.get("build_seconds")
        built = f"; built in {build['online']:.0f} s / {build['bundle']:.0f} s" if build else ""
        if d.get("index_only"):
            built = f"; the shipped pages with this index (--index-only), checked and indexed in {d['index_seconds']:.0f} s"
        print(
            f"\n{label}: {d['pages']} pages; index {d['index_files']} files, "
            f"{mib(d['index_bytes'])} on disk (largest shard {mib(d['largest_shard_bytes'])}); "
            f"bundle {d['zip']} {mib(d['zip_bytes'])} zipped, {mib(d['offline_bytes'])} "
            f"unzipped{built}"
        )
        print(
            f"  {'build':8} {'load':>7} {'first':>7} {'after load':>11} {'keystroke':>10} "
            f"{'search bytes':>13} {'page bytes':>11}"
        )
        for build_name in ("online", "offline"):
            m = d[build_name]
            after, key, size = m["first_result_after_load_ms"], m["keystroke_ms"], m["search_bytes"]
            print(
                f"  {build_name:8} {m['load_ms']:>4} ms {m['first_result_ms']:>4} ms "
                f"{after:>8} ms {key:>7} ms {mib(size):>13} {mib(m['page_bytes']):>11}   "
                f"first {_verdict(after, TARGET_MS)}, keystroke {_verdict(key, TARGET_KEY_MS)}, "
                f"bytes {_verdict(size, TARGET_BYTES)}"
            )
            print(
                f"  {'':8} runs after load {m['first_result_runs_ms']} ms, "
                f"keystrokes {m['keystroke_runs_ms']} ms"
            )
    sizes = [d for label, d in datasets.items() if label.startswith("synthetic-")]
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        print("\ngrowth, largest over smallest synthetic site:")
        print(f"  pages {large['pages'] / small['pages']:.1f}x, ", end="")
        print(f"index on disk {large['index_bytes'] / small['index_bytes']:.1f}x")
        for build_name in ("online", "offline"):
            a, b = small[build_name], large[build_name]
            print(
                f"  {build_name}: first result after load "
                f"{b['first_result_after_load_ms'] / max(a['first_result_after_load_ms'], 1):.1f}x, "
                f"search bytes {b['search_bytes'] / max(a['search_bytes'], 1):.1f}x"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--records",
        default="1000,10000",
        help="synthetic sizes, comma-separated (0: shipped content only)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--keep", type=Path, help="build into DIR and keep it")
    parser.add_argument("--reuse", type=Path, help="measure the builds kept in DIR by --keep")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--index-only",
        action="store_true",
        help="synthetic sizes: swap their search index into the shipped builds, build no pages",
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"browser_bench: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2

    labels: dict[str, Path | None] = {"shipped": ROOT / "content"}
    for size in (int(n) for n in str(args.records).split(",") if int(n)):
        labels[f"synthetic-{size}"] = None
    temp = None
    if args.reuse:
        base = args.reuse
    elif args.keep:
        base = args.keep
        base.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.TemporaryDirectory(prefix="browser-bench-")
        base = Path(temp.name)
    try:
        datasets: dict[str, dict] = {}
        for label, content in labels.items():
            extra = {}
            if not args.reuse:
                if content is None:
                    content = base / label / "content"
                    if content.exists():
                        shutil.rmtree(content)
                    counts = write_content(content, int(label.split("-")[1]), seed=0)
                    print(f"[{label}] wrote {sum(counts.values())} records", file=sys.stderr)
                if args.index_only and label != "shipped":
                    extra = swap_index(label, content, base)
                else:
                    extra = build(label, content, base)
            datasets[label] = {**locate(label, base), **extra}
        run_browser(datasets, args.runs, args.query)
        report(datasets)
        if args.json:
            plain = {
                label: {k: v for k, v in data.items() if not isinstance(v, Path)}
                for label, data in datasets.items()
            }
            args.json.write_text(json.dumps(plain, indent=2) + "\n", encoding="utf-8")
    finally:
        if temp is not None:
            temp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
