"""Time to the first search result in headless Chromium, online and offline (issue 4, section 3).

For the shipped content and a synthetic site (default 10,000 records from `bench.synth`, seed 0)
this builds the online site (`mkdocs build --strict`) and the offline bundle
(`python -m generator.bundle`, unzipped), then opens the home page in Debian's Chromium —
served from 127.0.0.1, or from file:// — and measures, in the page (performance.now(), from the
start of navigation):

* load      — the load event;
* ready     — Material's search left "Initializing search": index loaded and built in its worker;
* first     — the first result on screen, for a query typed at the load event (the figure the
              target is about: a reader opens the page and searches at once);
* query     — on a page whose search is already ready: keyup to the first result.

Each figure is the median of --runs fresh browser contexts (cold cache). Also reported: the size
of the search index the browser loads, and of the bundle zip. Target: the first result at most
500 ms after the load event ("after load" = first - load); the figures from the start of
navigation are printed beside it.

    .venv/bin/python bench/browser_bench.py [--records 10000] [--runs 5] [--keep DIR] [--reuse DIR]

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

ROOT = Path(__file__).resolve().parent.parent
# `python bench/browser_bench.py` puts bench/ first on the path: import the `bench` package and
# `generator` from the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.synth import write_content  # noqa: E402
from tests.sitebuild import CHROMIUM, CHROMIUM_ARGS, prepare  # noqa: E402

ENV = {
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
    "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1750896000"),
    "FACTSHEETS_EDIT_URL": "",
}
TARGET_MS = 500
QUERY = "Belousov"  # a name in the shipped content, and a surname the synthetic content uses

# Installed before any page script; everything happens in the page, on the page's own clock, so
# the figures carry no remote-control latency. At the load event the reader "types" the query
# (focus the box, set its value, keyup: Material searches on keyup). Mode "cold" types at once,
# even while the index is still loading (Material then runs the query when its worker is ready);
# mode "warm" waits until the search is ready, then types. Recorded: ready (the status line left
# "Initializing"), typed (the keyup) and first (the first result, or "No matching documents").
PROBE = """
(() => {
  const query = %(query)s, mode = %(mode)s;
  const b = window.__bench = {};
  const type = () => {
    const box = document.querySelector('input.md-search__input');
    box.value = query;
    b.typed = performance.now();
    box.dispatchEvent(new KeyboardEvent('keyup', {key: 'End', bubbles: true}));
  };
  new MutationObserver(() => {
    const meta = document.querySelector('.md-search-result__meta');
    const text = meta ? meta.textContent : '';
    if (!b.ready && text && !/Initializing/i.test(text)) {
      b.ready = performance.now();
      if (mode === 'warm') setTimeout(type, 0);
    }
    if (b.typed && !b.first) {
      const found = document.querySelector('li.md-search-result__item') !== null;
      if (found || /^\\s*No matching/i.test(text)) { b.first = performance.now(); b.found = found; }
    }
  }).observe(document, {subtree: true, childList: true, characterData: true});
  window.addEventListener('load', () => {
    document.querySelector('input.md-search__input').focus();  // opens the search
    if (mode === 'cold') type();
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


def locate(label: str, base: Path) -> dict:
    site = base / label / "online" / "site"
    (zip_path,) = sorted((base / label / "bundle" / "dist").glob("*.zip"))
    offline = base / label / "unzipped" / zip_path.stem
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {
        "site_dir": site,
        "offline_dir": offline,
        "pages": sum(1 for _ in site.rglob("index.html")),
        "index_docs": len(index["docs"]),
        "index_json_bytes": (site / "search" / "search_index.json").stat().st_size,
        "index_js_bytes": (offline / "search" / "search_index.js").stat().st_size,
        "zip": zip_path.name,
        "zip_bytes": zip_path.stat().st_size,
        "offline_bytes": sum(p.stat().st_size for p in offline.rglob("*") if p.is_file()),
    }


# ------------------------------------------------------------------------------------------------
# Measurements


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def measure(browser, url: str, runs: int, query: str) -> dict:
    cold, warm = [], []
    for _ in range(runs):
        for mode in ("cold", "warm"):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(PROBE % {"query": json.dumps(query), "mode": json.dumps(mode)})
            page = context.new_page()
            page.set_default_timeout(int(os.environ.get("BENCH_TIMEOUT_MS", "180000")))
            page.goto(url, wait_until="load")
            try:
                page.wait_for_function("() => window.__bench.first")
            except Exception:
                state = page.evaluate(
                    "() => [JSON.stringify(window.__bench),"
                    " document.querySelector('.md-search-result__meta').textContent]"
                )
                raise SystemExit(f"{url}: no result in {mode} mode: {state}") from None
            b = page.evaluate(
                "() => ({...window.__bench,"
                " load: performance.getEntriesByType('navigation')[0].loadEventEnd})"
            )
            context.close()
            if not b.get("found"):
                raise SystemExit(f"{url}: no result for {query!r}: choose another query")
            (cold if mode == "cold" else warm).append(b)

    def median(key, rows, minus=None):
        return round(statistics.median(r[key] - (r[minus] if minus else 0) for r in rows))

    return {
        "load_ms": median("load", cold),
        "ready_ms": median("ready", cold),
        "first_result_ms": median("first", cold),
        "first_result_after_load_ms": median("first", cold, "load"),
        "first_result_runs_ms": [round(r["first"]) for r in cold],
        "query_ms": median("first", warm, "typed"),
        "warm_ready_ms": median("ready", warm),
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
                    data["online"] = measure(browser, online_url, runs, query)
                    print(f"[{label}] measuring offline …", file=sys.stderr)
                    offline_url = (data["offline_dir"] / "index.html").as_uri()
                    data["offline"] = measure(browser, offline_url, runs, query)
                finally:
                    server.shutdown()
                    server.server_close()
        finally:
            browser.close()


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


def report(datasets: dict[str, dict]) -> None:
    print()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f}; Chromium {CHROMIUM}")
    for label, d in datasets.items():
        print(
            f"\n{label}: {d['pages']} pages, {d['index_docs']} search sections; index "
            f"{mib(d['index_json_bytes'])} (online JSON), "
            f"{mib(d['index_js_bytes'])} (offline JS); "
            f"bundle {d['zip']} {mib(d['zip_bytes'])} zipped, {mib(d['offline_bytes'])} unzipped"
        )
        print(
            f"  {'build':8} {'load':>7} {'ready':>7} {'first':>7} {'after load':>11} {'query':>7}"
            f"   target: first result <= {TARGET_MS} ms after the load event"
        )
        for build_name in ("online", "offline"):
            m = d[build_name]
            after = m["first_result_after_load_ms"]
            verdict = (
                "PASS"
                if after <= TARGET_MS
                else (f"MISS by {after - TARGET_MS} ms ({after / TARGET_MS:.1f}x)")
            )
            print(
                f"  {build_name:8} {m['load_ms']:>5} ms {m['ready_ms']:>4} ms "
                f"{m['first_result_ms']:>4} ms "
                f"{m['first_result_after_load_ms']:>8} ms {m['query_ms']:>4} ms   {verdict}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--records", type=int, default=10_000, help="synthetic records (0: shipped content only)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--keep", type=Path, help="build into DIR and keep it")
    parser.add_argument("--reuse", type=Path, help="measure the builds kept in DIR by --keep")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"browser_bench: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2

    labels = {"shipped": ROOT / "content"}
    if args.records:
        labels[f"synthetic-{args.records}"] = None
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
                    counts = write_content(content, args.records, seed=0)
                    print(f"[{label}] wrote {sum(counts.values())} records", file=sys.stderr)
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
