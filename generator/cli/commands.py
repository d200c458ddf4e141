"""The ``govsite`` command line: contributor checks and scaffolding over the library."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from .. import pipeline, urls
from ..archive.history import VersionKind
from ..config import ABSOLUTE_URL, load_site_config
from ..content import schema
from ..diagnostics import Diagnostics, Origin, Severity
from ..publish.manifest import MANIFEST_NAME, broken_since, read_manifest
from ..site.link import valid_ids
from . import report
from .scaffold import init_site


def _config_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "-f",
        "--config-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("mkdocs.yml"),
        show_default=True,
        help="The site's mkdocs configuration.",
    )(func)


def _report(diag: Diagnostics) -> None:
    for diagnostic in diag.sorted():
        label = "error" if diagnostic.severity is Severity.ERROR else "warning"
        click.echo(f"{diagnostic} [{label}]", err=True)


@click.group()
@click.version_option(package_name="govsite")
def main() -> None:
    """govsite: governance reports on platform policies."""


@main.command()
@_config_option
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
@click.option(
    "--against",
    "old_manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A previous build's govsite-manifest.json: fail if any URL or anchor it lists no "
    "longer resolves in the current build (run `mkdocs build` first).",
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
    config_file: Path, strict: bool, old_manifest: Path | None, site_dir: Path, fmt: str
) -> None:
    """Check every content file and the archive; report all problems at once."""
    diag = Diagnostics()
    site = load_site_config(config_file, diag)
    if site is not None:
        diag.extend(pipeline.run(site, until=pipeline.CHECK_UNTIL).diagnostics)
    if old_manifest is not None:
        current = site_dir / MANIFEST_NAME
        if not current.exists():
            diag.error(Origin(str(current)), "(file)", "no manifest: run `mkdocs build` first")
        else:
            old = read_manifest(old_manifest)
            for where, reason in broken_since(old, read_manifest(current)):
                diag.error(Origin(str(old_manifest)), where, reason)
    errors, warnings = len(diag.errors), len(diag.warnings)
    failed = bool(errors or (strict and warnings))
    if fmt == "text":
        _report(diag)
        if failed:
            click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        else:
            click.echo(f"ok: no errors, {warnings} warning(s)", err=True)
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
    build = pipeline.run(site, until="versions")
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
    help="The archive's public git address, which the GitHub workflow clones (default: the "
    "archive's origin remote when it is an https address).",
)
def init(directory: Path, archive: Path, name: str, site_url: str, archive_url: str) -> None:
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
    written = init_site(directory, archive, name, site_url, diag, archive_url)
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
    if not site_url:
        click.echo(
            "  site_url: not set; set it in mkdocs.yml before publishing (citations, "
            "permalinks and feed ids need it)",
            err=True,
        )
    click.echo("build it with:")
    click.echo(f"  cd {directory} && mkdocs build")
