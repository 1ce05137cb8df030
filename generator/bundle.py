"""Build the offline HTML bundle: one reproducible zip under dist/.

Run as ``python -m generator.bundle`` (``make bundle``). It builds the site with the factsheets
plugin's ``offline`` option on (``OFFLINE=true``: no directory URLs) into a temporary folder
(``site/``, the online build, is left alone), checks that no page loads anything from the network, and writes
``dist/<site-name-slug>-<version>.zip`` with every file under one top folder named like the zip,
so that unzipping gives ``<stem>/index.html``. Older zips of the same site in ``dist/`` are
removed.

The zip is deterministic: entries sorted, timestamps from ``SOURCE_DATE_EPOCH`` (or a constant),
fixed permissions. The same content, built with the same tools, gives a byte-identical file.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .words import plural

PROJECT = "factsheets"
ROOT = Path(__file__).resolve().parent.parent
# Same default as the Makefile, so a bare `python -m generator.bundle` is reproducible too.
DEFAULT_SOURCE_DATE_EPOCH = 1750896000
ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry
# Left out of the zip: source maps of Material's minified assets, read only by a browser's
# developer tools (about 40% of the zipped size of a small site).
LEFT_OUT_SUFFIXES = (".map",)


class BundleError(Exception):
    """A failure to report in one clean message (no traceback)."""


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def slugify(name: str) -> str:
    """'Diplomacy Fact Sheets' -> 'diplomacy-fact-sheets' (ASCII, lower case, hyphens)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "site"


def read_site_name(config_file: Path) -> str:
    from mkdocs.utils.yaml import yaml_load  # handles !ENV and INHERIT like mkdocs does

    try:
        with open(config_file, encoding="utf-8") as f:
            config = yaml_load(f)
    except OSError as e:
        raise BundleError(f"cannot read {config_file}: {e.strerror}") from None
    except Exception as e:  # YAML errors: show mkdocs' own message
        raise BundleError(f"cannot parse {config_file}: {e}") from None
    site_name = (config or {}).get("site_name")
    if not isinstance(site_name, str) or not site_name.strip():
        raise BundleError(f"{config_file} has no site_name")
    return site_name


def project_version() -> str:
    try:
        version = importlib.metadata.version(PROJECT)
    except importlib.metadata.PackageNotFoundError:
        raise BundleError(
            f"the {PROJECT!r} package is not installed in this environment; run `make install`"
        ) from None
    # An editable install keeps the version it was installed with: catch a stale one.
    try:
        import tomllib

        with open(ROOT / "pyproject.toml", "rb") as f:
            declared = tomllib.load(f)["project"]["version"]
    except (ImportError, OSError, KeyError, ValueError):
        declared = None
    if declared is not None and declared != version:
        raise BundleError(
            f"pyproject.toml says version {declared} but the installed {PROJECT} is {version}; "
            "run `make install` (or pip install -e .) first"
        )
    return version


def source_date_epoch() -> int:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_SOURCE_DATE_EPOCH
    try:
        value = int(raw)
    except ValueError:
        raise BundleError(f"SOURCE_DATE_EPOCH must be an integer, got {raw!r}") from None
    if value < 0:
        raise BundleError(f"SOURCE_DATE_EPOCH must not be negative, got {value}")
    return value


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


def build_offline(config_file: Path, out_dir: Path, epoch: int) -> None:
    """`mkdocs build --strict` with OFFLINE=true into out_dir (mkdocs' output: to the terminal)."""
    env = dict(os.environ)
    env["OFFLINE"] = "true"
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner
    env.setdefault("DISABLE_MKDOCS_2_WARNING", "true")  # the one mkdocs-redirects pulls in
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        str(config_file),
        "--site-dir",
        str(out_dir),
    ]
    sys.stdout.flush()
    try:
        result = subprocess.run(cmd, env=env, cwd=config_file.parent, check=False)
    except OSError as e:
        raise BundleError(f"cannot run mkdocs: {e}") from None
    if result.returncode != 0:
        raise BundleError(
            f"mkdocs build failed (exit status {result.returncode}); its output is above"
        )
    if not (out_dir / "index.html").is_file():
        raise BundleError("the build wrote no index.html: is there a home page?")
    if not (out_dir / "search" / "manifest.js").is_file():
        raise BundleError("search/manifest.js is missing: the factsheets plugin did not run")


# --------------------------------------------------------------------------------------------
# Check: nothing in the bundle may load from the network
# --------------------------------------------------------------------------------------------

# Hosts of script, style and font CDNs and trackers: a build file naming one would fetch from it.
CDN_HOSTS = (
    "unpkg.com",
    "cdn.jsdelivr.net",
    "cdnjs.cloudflare.com",
    "ajax.googleapis.com",
    "fonts.googleapis.com",
    "fonts.gstatic.com",
    "use.typekit.net",
    "p.typekit.net",
    "fonts.bunny.net",
    "use.fontawesome.com",
    "kit.fontawesome.com",
    "esm.sh",
    "cdn.skypack.dev",
    "polyfill.io",
    "code.jquery.com",
    "stackpath.bootstrapcdn.com",
    "maxcdn.bootstrapcdn.com",
    "www.googletagmanager.com",
    "www.google-analytics.com",
)
CDN_URL = re.compile(
    r"(?:https?:)?//(?:" + "|".join(re.escape(h) for h in CDN_HOSTS) + r")(?:[/?#][^\s\"'`)]*)?",
    re.IGNORECASE,
)
FONT_URL = re.compile(r"(?:https?:)?//[^\s\"'`)]+\.(?:woff2?|ttf|otf|eot)\b", re.IGNORECASE)

# Two addresses in Material's own JavaScript bundle, each fetched only in a case the bundle
# does not meet: a ResizeObserver polyfill for browsers without ResizeObserver (every browser
# since 2020 has it), and mermaid.js for pages with a mermaid diagram (the HTML check below
# fails the bundle if any page has one).
MATERIAL_FALLBACKS = {
    "https://unpkg.com/resize-observer-polyfill",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
}
MATERIAL_BUNDLE_JS = re.compile(r"^assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")

# <link rel=...> values that make the browser fetch the href.
LINK_RELS_THAT_FETCH = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "apple-touch-icon-precomposed",
    "mask-icon",
    "manifest",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
    "prerender",
    "import",
}
# (tag, attribute) pairs whose value the browser loads by itself.
LOADING_ATTRS = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("input", "src"),
    ("image", "href"),
    ("image", "xlink:href"),
    ("use", "href"),
    ("use", "xlink:href"),
    ("body", "background"),
}
CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]*)\1\s*\)", re.IGNORECASE)
CSS_IMPORT = re.compile(r"@import\s+(['\"])([^'\"]+)\1", re.IGNORECASE)


def is_external(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http:", "https:", "//", "ftp:"))


def css_references(text: str) -> list[str]:
    urls = [m.group(2) for m in CSS_URL.finditer(text)]
    urls += [m.group(2) for m in CSS_IMPORT.finditer(text)]
    return [u.strip() for u in urls if is_external(u)]


def script_references(text: str) -> list[str]:
    found = {m.group(0) for m in CDN_URL.finditer(text)}
    found |= {m.group(0) for m in FONT_URL.finditer(text)}
    return sorted(found)


class _PageScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None  # "script" or "style" while inside an inline one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        for name, value in values.items():
            if (tag, name) in LOADING_ATTRS:
                candidates = (
                    [part.split()[0] for part in value.split(",") if part.strip()]
                    if name == "srcset"
                    else [value]
                )
                self.found += [u for u in candidates if is_external(u)]
            elif name == "style":
                self.found += css_references(value)
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            href = values.get("href", "")
            if rels & LINK_RELS_THAT_FETCH and is_external(href):
                self.found.append(href)
        if "mermaid" in values.get("class", "").split():
            self.found.append("(a mermaid diagram: Material would load mermaid.js from a CDN)")
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.found += css_references(data)
        elif self._in == "script":
            self.found += script_references(data)


def find_external_references(site_dir: Path) -> dict[str, list[str]]:
    """Map each built file (POSIX path relative to site_dir) to the network addresses it would
    load: <script src>, fetching <link href>, <img>/<iframe>/... sources, CSS url() and @import,
    CDN and web-font addresses in scripts. Plain <a href> links are not loads and are ignored,
    and so are the page text in search/ and source maps."""
    problems: dict[str, list[str]] = {}
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(site_dir).as_posix()
        suffix = path.suffix.lower()
        if rel.startswith("search/") or suffix not in (".html", ".htm", ".css", ".js", ".mjs"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if suffix in (".html", ".htm"):
            scanner = _PageScanner()
            scanner.feed(text)
            scanner.close()
            found = scanner.found
        elif suffix == ".css":
            found = css_references(text)
        else:
            found = script_references(text)
            if MATERIAL_BUNDLE_JS.match(rel):
                found = [u for u in found if u not in MATERIAL_FALLBACKS]
        if found:
            problems[rel] = sorted(set(found))
    return problems


def check_offline(site_dir: Path) -> None:
    problems = find_external_references(site_dir)
    if problems:
        lines = [f"  {rel}: {', '.join(urls)}" for rel, urls in problems.items()]
        raise BundleError(
            "the offline build would load from the network "
            f"({plural(len(problems), 'file')}); vendor these instead:\n" + "\n".join(lines)
        )


# --------------------------------------------------------------------------------------------
# Zip
# --------------------------------------------------------------------------------------------


def bundled_files(site_dir: Path) -> list[tuple[str, Path]]:
    """(POSIX path relative to site_dir, path) of each file that goes into the zip, sorted."""
    return sorted(
        (p.relative_to(site_dir).as_posix(), p)
        for p in site_dir.rglob("*")
        if p.is_file() and not p.name.endswith(LEFT_OUT_SUFFIXES)
    )


def write_zip(site_dir: Path, top: str, target: Path, epoch: int) -> int:
    """Zip site_dir's files under `top/`, reproducibly: sorted names, one fixed timestamp,
    fixed permissions (0644 files), no directory entries, no extra fields. Returns the number
    of files written."""
    stamp = max(ZIP_EPOCH_MIN, min(epoch, 4354819199))  # the zip time range is 1980..2107
    date_time = time.gmtime(stamp)[:6]
    files = bundled_files(site_dir)
    tmp = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for rel, path in files:
                info = zipfile.ZipInfo(f"{top}/{rel}", date_time=date_time)
                info.create_system = 3  # Unix, so that external_attr means permissions
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes(), compresslevel=9)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return len(files)


def remove_older(dist: Path, slug: str, keep: Path) -> list[Path]:
    pattern = re.compile(rf"^{re.escape(slug)}-\d[^/]*\.zip$")
    removed = []
    for old in sorted(dist.glob(f"{slug}-*.zip")):
        if old.name != keep.name and pattern.match(old.name):
            old.unlink()
            removed.append(old)
    return removed


def human_size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError


# --------------------------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------------------------


@dataclass
class Bundle:
    path: Path
    size: int
    files: int


def make_bundle(config_file: Path, dist: Path) -> Bundle:
    config_file = config_file.resolve()
    site_name = read_site_name(config_file)
    version = project_version()
    epoch = source_date_epoch()
    slug = slugify(site_name)
    stem = f"{slug}-{version}"

    with tempfile.TemporaryDirectory(prefix=f"{PROJECT}-bundle-") as tmp:
        site_dir = Path(tmp) / stem
        build_offline(config_file, site_dir, epoch)
        check_offline(site_dir)
        try:
            dist.mkdir(parents=True, exist_ok=True)
            target = dist / f"{stem}.zip"
            count = write_zip(site_dir, stem, target, epoch)
            remove_older(dist, slug, target)
        except OSError as e:
            raise BundleError(f"cannot write the zip in {dist}: {e}") from None
    return Bundle(target, target.stat().st_size, count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.bundle",
        description="Build the offline site and write it as one zip under dist/.",
    )
    parser.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=ROOT / "mkdocs.yml",
        help="MkDocs configuration (default: mkdocs.yml of the project)",
    )
    parser.add_argument(
        "-o",
        "--dist-dir",
        type=Path,
        default=None,
        help="folder for the zip (default: dist/ beside the configuration)",
    )
    args = parser.parse_args(argv)
    dist = args.dist_dir
    if dist is None:
        dist = args.config_file.resolve().parent / "dist"
    try:
        bundle = make_bundle(args.config_file, dist)
    except BundleError as e:
        print(f"bundle: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bundle: interrupted", file=sys.stderr)
        return 130
    try:
        shown = bundle.path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = bundle.path
    print(f"{shown}  {human_size(bundle.size)} ({bundle.size} bytes, {bundle.files} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
