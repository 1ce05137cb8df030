"""`factsheet check-sources` against a real HTTP server on 127.0.0.1 (an ephemeral port)."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

SLOW_SECONDS = 40.0  # far past the timeout: the check must give up, not wait
# generous for a loaded machine (the server thread must get to answer /ok in time), still far
# below SLOW_SECONDS
TIMEOUT = "4"


class Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []  # (path, User-Agent) of every request

    def do_GET(self):  # noqa: N802 - http.server's name
        Handler.seen.append((self.path, self.headers.get("User-Agent", "")))
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        status = {"/ok": 200, "/slow": 200, "/gone": 404, "/broken": 500}.get(self.path, 404)
        body = b"fine" if status == 200 else b"no"
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up on /slow long ago, as it should

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _point_sources_at(content: Path, base: str) -> None:
    """ani: url 404, archived copy 301 -> 200; businesstoday: url 500, archived 200; seed: slow."""
    addresses = {
        "ani-singh-sobirzoda": {"url": "/gone", "archived": "/moved"},
        "businesstoday-refuses": {"url": "/broken", "archived": "/ok"},
        "seed-article": {"url": "/slow"},
    }
    for source_id, fields in addresses.items():
        path = content / "sources" / f"{source_id}.yml"
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith(("url:", "archived:"))
        ]
        lines += [f"{field}: {base}{where}" for field, where in fields.items()]
        if "archived" in fields:
            lines.append('archived_on: "2025-07-01"')
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _line_of(path: Path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


def _run(content: Path, *args: str):
    return CliRunner().invoke(
        main, ["check-sources", str(content), "--timeout", TIMEOUT, *args], catch_exceptions=False
    )


def test_unreachable_addresses_are_warnings_with_status_or_error(
    valid_content: Path, server: str, tmp_path: Path
):
    _point_sources_at(valid_content, server)
    Handler.seen.clear()
    started = time.monotonic()
    result = _run(valid_content, "--cache", str(tmp_path / "cache.json"), "--format", "json")
    assert time.monotonic() - started < SLOW_SECONDS / 2  # the slow address was given up on
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    found = {
        (Path(p["path"]).name, p["line"], p["code"], p["severity"]) for p in report["problems"]
    }
    sources = valid_content / "sources"
    assert found == {
        (
            "ani-singh-sobirzoda.yml",
            _line_of(sources / "ani-singh-sobirzoda.yml", "url:"),
            "source.unreachable",
            "warning",
        ),
        (
            "businesstoday-refuses.yml",
            _line_of(sources / "businesstoday-refuses.yml", "url:"),
            "source.unreachable",
            "warning",
        ),
        (
            "seed-article.yml",
            _line_of(sources / "seed-article.yml", "url:"),
            "source.unreachable",
            "warning",
        ),
    }
    messages = " ".join(p["message"] for p in report["problems"])
    assert "HTTP 404" in messages and "HTTP 500" in messages and "no answer within 4 s" in messages
    assert "/moved" not in messages and "/ok" not in messages  # 301 -> 200 is reachable
    paths = [path for path, _ in Handler.seen]
    assert "/ok" in paths and "/moved" in paths  # the redirect was followed
    assert all(agent.startswith("factsheets-check-sources/") for _, agent in Handler.seen)


def test_text_lines_and_strict_exit(valid_content: Path, server: str, tmp_path: Path):
    _point_sources_at(valid_content, server)
    cache = str(tmp_path / "cache.json")
    result = _run(valid_content, "--cache", cache)
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if "source.unreachable" in line]
    assert len(lines) == 3
    pattern = r"^.+\.yml:\d+:\d+: warning: url: http://127\.0\.0\.1:\d+/\w+ is unreachable \(.+\).* \[source\.unreachable\]$"
    assert all(re.match(pattern, line) for line in lines), lines
    assert _run(valid_content, "--cache", cache, "--strict").exit_code == 1


def test_results_are_cached_for_a_day(valid_content: Path, server: str, tmp_path: Path):
    _point_sources_at(valid_content, server)
    cache = tmp_path / "cache.json"
    first = _run(valid_content, "--cache", str(cache))
    Handler.seen.clear()
    second = _run(valid_content, "--cache", str(cache))
    assert Handler.seen == []  # nobody was asked again
    assert second.stdout == first.stdout
    entries = json.loads(cache.read_text(encoding="utf-8"))
    for entry in entries.values():
        entry["checked"] -= 25 * 3600  # a day and an hour ago
    cache.write_text(json.dumps(entries), encoding="utf-8")
    _run(valid_content, "--cache", str(cache))
    assert {path for path, _ in Handler.seen} >= {"/gone", "/broken", "/ok"}


def test_all_reachable_is_silent(valid_content: Path, server: str):
    for path in (valid_content / "sources").glob("*.yml"):
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("url:")
        ]
        path.write_text("\n".join(lines + [f"url: {server}/ok"]) + "\n", encoding="utf-8")
    result = _run(valid_content, "--no-cache", "--strict")
    assert result.exit_code == 0
    assert "source.unreachable" not in result.stdout


def test_invalid_content_is_refused(valid_content: Path):
    (valid_content / "sources" / "seed-article.yml").write_text(
        "title: [unclosed\n", encoding="utf-8"
    )
    result = _run(valid_content, "--no-cache")
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_it_runs_where_an_event_loop_is_already_running(valid_content: Path, server: str):
    import asyncio

    _point_sources_at(valid_content, server)

    async def inside_a_loop():
        return _run(valid_content, "--no-cache")

    # in a thread of the test's own: this thread may run a loop already (Playwright's, when the
    # browser tests ran first), the case the command must survive but this test cannot set up
    results = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(inside_a_loop())))
    thread.start()
    thread.join(timeout=120)
    (result,) = results
    assert result.exit_code == 0
    assert result.stdout.count("source.unreachable") == 3
