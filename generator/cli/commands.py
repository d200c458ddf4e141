"""The ``govsite`` command line: contributor checks and scaffolding over the library."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from .. import pipeline, urls
from ..archive.history import VersionKind, read_history
from ..archive.permalinks import LOCK_NAME, read_lock, repoint_lock
from ..archive.repoint import plan_repoints
from ..config import ABSOLUTE_URL, load_site_config
from ..content import schema
from ..content.load import load_content
from ..diagnostics import LOGGER_NAME, Diagnostics, Origin
from ..link.resolve import valid_ids
from ..link.retired import page_urls
from ..publish.lock import BuildLock, SiteBusy, lock_path
from ..publish.manifest import (
    MANIFEST_NAME,
    ManifestError,
    broken_since,
    manifest_parts,
    read_manifest,
    tombstones_of_live_pages,
)
from . import report
from .preview import preview_server
from .scaffold import ANALYSES_LICENCES, InitError, init_site

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
"""The site's configuration as mkdocs and ProperDocs look for it, in the folder."""


def _found_config(context: click.Context, parameter: click.Parameter, value: Path | None) -> Path:
    if value is not None:
        return value
    return next((Path(n) for n in CONFIG_NAMES if Path(n).is_file()), Path(CONFIG_NAMES[0]))


def _config_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "-f",
        "--config-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        callback=_found_config,
        help="The site's configuration (default: mkdocs.yml, or properdocs.yml, in the "
        "current folder).",
    )(func)


def _report(diag: Diagnostics) -> None:
    for diagnostic in diag.sorted():
        click.echo(f"{diagnostic} [{diagnostic.severity.value}]", err=True)


def _manifest(path: Path, diag: Diagnostics) -> dict[str, list[str]] | None:
    try:
        return read_manifest(path)
    except ManifestError as exc:
        diag.error(Origin(str(exc.path or path), exc.line, exc.column), "(file)", exc.reason)
        return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govsite")
def main() -> None:
    """govsite: governance reports on platform policies."""
    # Progress of long steps and other information, on standard error (mkdocs shows the
    # same records in its own way when it runs the plugin).
    logger = logging.getLogger(LOGGER_NAME)
    if not any(getattr(h, "govsite_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.govsite_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _quiet_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "-q", "--quiet", is_flag=True, help="Show no progress; only the problems found."
    )(func)


def _quiet(quiet: bool) -> None:
    if quiet:
        logging.getLogger(LOGGER_NAME).setLevel(logging.WARNING)


@main.command("manifest-parts")
@click.argument("index", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def manifest_parts_command(index: Path) -> None:
    """Print the parts a downloaded govsite-manifest.json.gz lists, one a line, as paths
    relative to its folder (none for a manifest in one file): download each beside it, from
    the same place, before `check --against` it."""
    try:
        for name in manifest_parts(index):
            click.echo(name)
    except ManifestError as exc:
        click.echo(f"{exc.path or index}:{exc.line}:{exc.column}: (file): {exc.reason}", err=True)
        sys.exit(1)


@main.command()
@_config_option
@_quiet_option
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
@click.option(
    "--against",
    "old_manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A previous build's govsite-manifest.json.gz (the published site's, say, with the "
    "parts it lists in govsite-manifest/ beside it: see manifest-parts): fail if any URL or "
    "anchor it lists no longer resolves in the current build (run `mkdocs build` first).",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The current build, for --against.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(report.FORMATS),
    default="text",
    show_default=True,
    help="text: path:line:column: field: reason; github: GitHub Actions annotations "
    "(::error file=...,line=...,col=...::message) on standard output; json: one JSON "
    "document on standard output.",
)
def check(
    config_file: Path,
    quiet: bool,
    strict: bool,
    old_manifest: Path | None,
    site_dir: Path,
    fmt: str,
) -> None:
    """Check every content file and the archive; report all problems at once."""
    _quiet(quiet or fmt == "json")
    diag = Diagnostics()
    site = load_site_config(config_file, diag)
    live: set[str] = set()
    retired: set[str] = set()
    if site is not None:
        build = pipeline.run(site, until=pipeline.CHECK_UNTIL)
        diag.extend(build.diagnostics)
        retired = set(build.content.retired)
        if build.model is not None:
            live = page_urls(build.model) | set(build.content.pages)
            retired |= set(build.model.retired)
    if old_manifest is not None:
        current = site_dir / MANIFEST_NAME
        if not current.exists():
            diag.error(Origin(str(current)), "(file)", "no manifest: run `mkdocs build` first")
        else:
            old = _manifest(old_manifest, diag)
            new = _manifest(current, diag)
            if old is not None and new is not None:
                for where, reason in broken_since(old, new):
                    diag.error(Origin(str(old_manifest)), where, reason)
                for where, reason in tombstones_of_live_pages(old, new, live, retired):
                    diag.error(Origin(str(current)), where, reason)
    diag = Diagnostics(diag.sorted())  # each problem once, as printed
    failed = bool(diag.errors or (strict and diag.warnings))
    if fmt == "text":
        _report(diag)
        click.echo(report.summary(diag, failed), err=True)
    else:
        root = site.root if site is not None else config_file.parent
        out, err = report.render(diag, fmt, root, Path.cwd())
        for line in out:
            click.echo(line)
        for line in err:
            click.echo(line, err=True)
    if failed:
        sys.exit(1)


@main.command()
@click.argument("target")
@_config_option
def new(target: str, config_file: Path) -> None:
    """Write a provision file for TARGET (platform/document/slug), ready to fill."""
    parts = target.strip("/").split("/")
    if len(parts) != 3 or not all(schema.ID_PATTERN.match(p) for p in parts):
        raise click.BadParameter(
            "expected platform/document/slug in lowercase letters, digits and hyphens",
            param_hint="TARGET",
        )
    platform, document, slug = parts
    if schema.DATE_LIKE.match(slug):
        raise click.BadParameter("a slug may not look like a date", param_hint="TARGET")
    if slug in urls.RESERVED_PROVISION_SLUGS:
        raise click.BadParameter(f"{slug!r} is reserved", param_hint="TARGET")
    diag = Diagnostics()
    site = load_site_config(config_file, diag)
    if site is None:
        _report(diag)
        sys.exit(1)
    path = site.content_dir / "provisions" / platform / document / f"{slug}.yml"
    if path.exists():
        click.echo(f"{path} already exists", err=True)
        sys.exit(1)
    build = pipeline.run(site, until="archive")
    content = build.content
    if platform not in content.platforms:
        raise click.BadParameter(
            f"no platform {platform!r} ({valid_ids(platform, content.platforms)})",
            param_hint="TARGET",
        )
    if document not in content.platforms[platform].documents:
        documents = content.platforms[platform].documents
        raise click.BadParameter(
            f"platform {platform!r} has no document {document!r} "
            f"({valid_ids(document, documents)})",
            param_hint="TARGET",
        )
    values = {"reviewed": dt.datetime.now(dt.UTC).date().isoformat()}
    history = build.histories.documents.get(f"{platform}/{document}")
    latest = ""
    if history is not None:
        with_text = [
            slug
            for version, slug in zip(history.versions, history.slugs, strict=True)
            if version.kind is not VersionKind.REMOVAL
        ]
        latest = with_text[-1] if with_text else ""
    if latest:
        values["analyzed"] = latest
    notes = {
        "topic": _ids_note(content.topics),
        "regulations[].id": _ids_note(content.regulations),
        "jurisdictions[].id": _ids_note(content.jurisdictions),
    }
    header = (
        f"# Analysis of one clause of {platform}/{document}.\n"
        f"# Replace every {schema.PLACEHOLDER}; `govsite check` says what is missing or wrong.\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    text = header + schema.scaffold(schema.PROVISION, values=values, notes=notes) + "\n"
    path.write_text(text, encoding="utf-8")
    click.echo(str(path.relative_to(site.root) if path.is_relative_to(site.root) else path))
    if latest:
        click.echo(f"analyzed: {latest}, the latest version recorded", err=True)


def _ids_note(ids: Iterable[str]) -> str:
    known = sorted(ids)
    if not known:
        return "none defined yet"
    shown = ", ".join(known[:12]) + (f" and {len(known) - 12} more" if len(known) > 12 else "")
    return f"one of: {shown}"


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--archive",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A git repository of <Service>/<Document>.md files (an Open Terms Archive "
    "versions repository works as-is).",
)
@click.option("--name", default="Platform policy reports", show_default=True, help="Site name.")
@click.option(
    "--site-url",
    default="",
    help="The absolute address the site will be published at (permalinks, citations and "
    "feed ids need it), e.g. https://reports.example.org/.",
)
@click.option(
    "--archive-url",
    default="",
    envvar="GOVSITE_ARCHIVE_URL",
    help="The archive's public git address, which the GitHub workflow clones (default: the "
    "archive's origin remote, an ssh address taken as its https twin). Needed when the "
    "archive has no such remote.",
)
@click.option(
    "--keep-template-leftovers",
    is_flag=True,
    help="Keep the documents recorded and deleted on the archive's first day (the demo "
    "declarations of Open Terms Archive's collection template), left out by default.",
)
@click.option(
    "--govsite-requirement",
    default="",
    envvar="GOVSITE_REQUIREMENT",
    help="The pip requirement CI installs govsite with (default: where this govsite was "
    "installed from: its git repository and commit, or its version on a package index).",
)
@click.option(
    "--analyses-licence",
    default="CC-BY-4.0",
    show_default=True,
    type=click.Choice(sorted(ANALYSES_LICENCES)),
    help="The licence of the analyses contributors write (LICENSE-analyses.md).",
)
def init(
    directory: Path,
    archive: Path,
    name: str,
    site_url: str,
    archive_url: str,
    keep_template_leftovers: bool,
    govsite_requirement: str,
    analyses_licence: str,
) -> None:
    """Create a new site in DIRECTORY for an existing archive."""
    if site_url and not ABSOLUTE_URL.match(site_url):
        raise click.BadParameter(
            f"{site_url!r} is not an absolute http(s) address", param_hint="--site-url"
        )
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    if (directory / "mkdocs.yml").exists():
        click.echo(f"{directory / 'mkdocs.yml'} already exists", err=True)
        sys.exit(1)
    diag = Diagnostics()
    try:
        written = init_site(
            directory,
            archive,
            name,
            site_url,
            diag,
            archive_url,
            govsite_requirement,
            analyses_licence,
            keep_template_leftovers,
        )
    except InitError as exc:
        click.echo(f"govsite init: {exc}", err=True)
        sys.exit(1)
    if diag.errors:
        _report(diag)
        sys.exit(1)
    site = load_site_config(directory / "mkdocs.yml", Diagnostics())
    platforms = sum(1 for p in written if "content/platforms/" in p.as_posix())
    click.echo(f"created {directory} for {platforms} platforms")
    if site is not None:
        for label, value in (
            ("collection", site.collection),
            ("licence", site.licence),
            ("attribution", site.attribution),
        ):
            click.echo(f"  {label}: {value or '(not found in the archive: set it in mkdocs.yml)'}")
        if site.layout == "large":
            click.echo(
                "  layout: large (with each version's text on its page the site would pass the "
                "static hosts' limits; version pages link one shared page per distinct text)"
            )
        if site.compress_texts:
            click.echo(
                "  compress_texts: true (even so the site would pass GitHub Pages' 1 GB: "
                "publish it on an object store behind a CDN, with the workflow's object store "
                "step; preview it with `govsite serve site`)"
            )
    if not site_url:
        click.echo(
            "  site_url: not set; set it in mkdocs.yml before publishing (citations, "
            "permalinks and feed ids need it)",
            err=True,
        )
    for line in next_steps(directory):
        click.echo(line)


def next_steps(directory: Path) -> list[str]:
    """What to run next, with paths that work from the folder init ran in: the commands of
    the environment govsite runs in (which may not be on the PATH)."""
    bin_dir = Path(sys.executable).parent
    mkdocs = bin_dir / "mkdocs"
    govsite = bin_dir / "govsite"
    python = shlex.quote(sys.executable)
    mkdocs_cmd = shlex.quote(str(mkdocs)) if mkdocs.exists() else f"{python} -m mkdocs"
    govsite_cmd = shlex.quote(str(govsite)) if govsite.exists() else f"{python} -m generator"
    where = shlex.quote(str(directory))
    commands = [
        (f"{govsite_cmd} check", "every problem, with its file and line"),
        (f"{mkdocs_cmd} build --strict", "the site, into site/"),
        (f"{mkdocs_cmd} serve", "a preview at http://127.0.0.1:8000/"),
    ]
    width = max(len(command) for command, _ in commands)
    return [
        "next:",
        f"  cd {where}",
        *(f"  {command.ljust(width)}  # {what}" for command, what in commands),
        "to publish on GitHub Pages: commit everything (versions.lock included), push to a "
        "repository's main branch, and choose GitHub Actions as its Pages source:",
        "  git init -b main && git add -A && git commit -m 'New site'",
    ]


@main.command()
@click.argument("version", nargs=-1, metavar="[VERSION]...")
@_config_option
@click.option(
    "--commit",
    default="",
    help="With one VERSION: the commit to move it to, when several record its text (a full "
    "id or a prefix of at least 7 characters).",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
def repoint(version: tuple[str, ...], config_file: Path, commit: str, dry_run: bool) -> None:
    """Move published versions whose commit a history rewrite replaced to the new commit
    that records the same text (VERSION: platform/document/slug; all such versions by
    default)."""
    wanted: set[tuple[str, str]] | None = None
    if version:
        wanted = set()
        for named in version:
            document, _, slug = named.strip("/").rpartition("/")
            if document.count("/") != 1 or not schema.DATE_LIKE.match(slug):
                raise click.BadParameter(
                    f"{named!r} is not platform/document/YYYY-MM-DD[-N]", param_hint="VERSION"
                )
            wanted.add((document, slug))
    if commit and (len(version) != 1 or not re.match(r"^[0-9a-f]{7,64}\Z", commit)):
        raise click.BadParameter(
            "name one VERSION, and the commit by at least 7 hexadecimal characters",
            param_hint="--commit",
        )
    diag = Diagnostics()
    site = load_site_config(config_file, diag)
    if site is None:
        _report(diag)
        sys.exit(1)
    lock_file = site.root / LOCK_NAME
    build_lock = BuildLock(lock_path(site.root, site.cache_dir))
    try:
        build_lock.acquire(0)
    except SiteBusy as exc:
        click.echo(f"{lock_file}: {exc}", err=True)
        sys.exit(1)
    try:
        lock = read_lock(lock_file, LOCK_NAME, diag)
        history = read_history(site.archive_dir, diag, site.origin)
        if diag.errors or history is None:
            _report(diag)
            sys.exit(1)
        content = load_content(site.content_dir, site.root, Diagnostics())
        moves, refusals = plan_repoints(content, history, lock, wanted, commit)
        for move in moves:
            entry, target = move.entry, move.version
            line = (
                f"{LOCK_NAME}:{entry.line}: {entry.document}/{entry.slug}: commit "
                f"{entry.commit[:12]} -> {target.commit[:12]} (same text {entry.blob[:12]})"
            )
            if move.moved_day:
                line += f"; note: the new commit is dated {target.date:%Y-%m-%d}"
            click.echo(line)
        for refusal in refusals:
            entry = refusal.entry
            diag.error(
                Origin(LOCK_NAME, entry.line), f"{entry.document}/{entry.slug}", refusal.reason
            )
        if moves and not dry_run:
            try:
                repoint_lock(lock_file, [(m.entry, m.version.commit) for m in moves])
            except (OSError, ValueError) as exc:
                diag.error(Origin(LOCK_NAME), "(file)", f"not changed: {exc}")
    finally:
        build_lock.release()
    _report(diag)
    done = "would be moved" if dry_run else "moved"
    click.echo(f"{len(moves)} version(s) {done}, {len(refusals)} refused", err=True)
    if refusals or diag.errors:
        sys.exit(1)


@main.command()
@click.argument(
    "site",
    default="site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--port",
    default=8000,
    type=click.IntRange(0, 65535),
    show_default=True,
    help="The port to listen on (0: any free one).",
)
@click.option("--bind", default="127.0.0.1", show_default=True, help="The address to listen on.")
def serve(site: Path, port: int, bind: str) -> None:
    """Serve a built site (SITE, site/ by default) as an object store behind a CDN does:
    text pages stored compressed (compress_texts) are sent with Content-Encoding: gzip."""
    try:
        server = preview_server(site, bind, port)
    except OSError as exc:
        click.echo(f"govsite serve: cannot listen on {bind}:{port}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"serving {site} at http://{bind}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
