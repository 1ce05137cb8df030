"""`factsheet check-sources`: request every source's address and report the ones that rot.

Each `url` and `archived` address of a source record is requested once (GET, body not read),
with at most `concurrency` requests at a time, redirects followed, a timeout per address and a
User-Agent that says who asks. An address that answers with an error status (4xx, 5xx), cannot
be reached or takes too long is a warning `FILE:LINE:COL: warning: … [source.unreachable]` at
the address's line. Results are kept in `.cache/check-sources.json` for a day, so a second run
asks nobody again. httpx does the HTTP (HTTP/1.1, TLS, redirects, timeouts); the standard
library's urllib has no concurrency and no per-request timeout over redirects.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from .link import Facts
from .problems import Problem

USER_AGENT = (
    "factsheets-check-sources/1.0 (a fact-checking site's link checker; "
    "each address at most once a day)"
)
CACHE_SECONDS = 24 * 3600
FIELDS = ("url", "archived")


@dataclass(frozen=True)
class Result:
    """What one address answered: the final HTTP status, or why there was none."""

    url: str
    status: int | None
    error: str | None
    checked: float  # seconds since the epoch

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    def describe(self) -> str:
        return f"HTTP {self.status}" if self.status is not None else str(self.error)


def addresses(facts: Facts) -> list[tuple[str, str, str]]:
    """(source id, field, address) for every address a source records, in id order."""
    out = []
    for record in facts.of_type("sources"):
        for field in FIELDS:
            value = getattr(record.data, field, None)
            if value:
                out.append((record.id, field, value))
    return out


async def _request(client: httpx.AsyncClient, url: str, timeout: float) -> Result:
    try:
        async with asyncio.timeout(timeout):  # the whole exchange, redirects included
            async with client.stream("GET", url) as response:
                return Result(url, response.status_code, None, time.time())
    except TimeoutError:
        return Result(url, None, f"no answer within {timeout:g} s", time.time())
    except httpx.TooManyRedirects:
        return Result(url, None, "too many redirects", time.time())
    except httpx.TimeoutException:
        return Result(url, None, f"no answer within {timeout:g} s", time.time())
    except httpx.HTTPError as exc:  # connection refused, DNS, TLS, bad address…
        return Result(url, None, f"{type(exc).__name__}: {exc}".rstrip(": "), time.time())


async def _request_all(urls: list[str], concurrency: int, timeout: float) -> list[Result]:
    limit = asyncio.Semaphore(max(1, concurrency))
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=10,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=max(1, concurrency)),
    ) as client:

        async def one(url: str) -> Result:
            async with limit:
                return await _request(client, url, timeout)

        return await asyncio.gather(*(one(url) for url in urls))


def _load_cache(path: Path, now: float) -> dict[str, Result]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cached = {url: Result(**entry) for url, entry in data.items()}
    except (OSError, ValueError, TypeError):
        return {}  # no cache yet, or one we cannot read: ask again
    return {url: r for url, r in cached.items() if now - r.checked < CACHE_SECONDS}


def _save_cache(path: Path, results: dict[str, Result]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({u: asdict(r) for u, r in sorted(results.items())}, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".check-sources.")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def check_sources(
    facts: Facts,
    *,
    cache: Path | None,
    concurrency: int = 8,
    timeout: float = 10.0,
) -> tuple[list[Problem], dict[str, Result]]:
    """Request every address not checked within a day; return the warnings and every result."""
    now = time.time()
    known = _load_cache(cache, now) if cache else {}
    wanted = list(dict.fromkeys(url for _, _, url in addresses(facts)))
    fresh = [url for url in wanted if url not in known]
    if fresh:
        # A loop of its own in a thread of its own: the caller may already run an event loop
        # (Playwright's sync API does, in the test session), where asyncio.run() refuses to start.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            results = pool.submit(asyncio.run, _request_all(fresh, concurrency, timeout)).result()
        for result in results:
            known[result.url] = result
    if cache:
        _save_cache(cache, known)
    problems = []
    for source_id, field, url in addresses(facts):
        result = known[url]
        if result.ok:
            continue
        record = facts.records[source_id]
        problems.append(
            record.warning(
                (field,),
                "source.unreachable",
                f"{field}: {url} is unreachable ({result.describe()}): check the address, "
                "or record an archived copy in `archived`",
            )
        )
    return problems, {url: known[url] for url in wanted}
