"""Where a site's inputs are: read from the govsite entry of ``mkdocs.yml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import urls
from .diagnostics import Diagnostics, Origin
from .untrusted import (
    YAML_MAX_BYTES,
    LimitedLoader,
    YamlLines,
    bytes_position,
    shown,
    text_position,
    yaml_error_reason,
)


@dataclass(slots=True, frozen=True)
class SiteConfig:
    """The inputs of one site."""

    root: Path
    """The folder of ``mkdocs.yml``; relative paths start here."""
    content_dir: Path
    """Contributors' YAML (``content/``)."""
    archive_dir: Path
    """The archived texts: a folder inside a git work tree (``sources/`` by default)."""
    templates_dir: Path
    """The site's own page templates, which take precedence over govsite's."""
    site_name: str = "govsite"
    """The site's name, used in citations and feeds."""
    site_url: str = ""
    """The published address, for permalinks in citations and feeds."""
    config_file: str = "mkdocs.yml"
    """Where settings errors are reported."""
    cache_dir: Path | None = None
    """The build cache (safe to delete); ``None`` keeps everything in memory."""
    licence: str = ""
    """Licence of the archived texts, carried by the data downloads."""
    attribution: str = ""
    """Attribution the archive's licence requires, shown with the data and on the site."""
    disclaimer: str = ""
    """What every analysis page says of the analyses' standing (Markdown); a default when
    empty."""
    pages_dir: Path | None = None
    """The site's hand-written pages (mkdocs' ``docs_dir``), when known."""

    @property
    def methodology_url(self) -> str:
        """The site's methodology page, when it has one ('' otherwise)."""
        if self.pages_dir is not None and (self.pages_dir / "methodology.md").is_file():
            return urls.METHODOLOGY
        return ""

    collection: str = ""
    """Title of the archive's collection (from its README), named on the site and the data."""
    contributors: bool = True
    """Whether the site lists its contributors, each with what they wrote and reviewed
    (``contributors: false`` turns the page off)."""
    acknowledged: tuple[str, ...] = ()
    """Commits of the archive whose notes the publisher has acknowledged (not repeated)."""

    @property
    def origin(self) -> Origin:
        return Origin(self.config_file)

    def origin_of(self, key: str) -> Origin:
        """Where a top-level ``key`` of ``mkdocs.yml`` is set (line 1 when it is not)."""
        try:
            text = (self.root / self.config_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return self.origin
        pattern = re.compile(rf"^{re.escape(key)}\s*:")
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.match(line):
                return Origin(self.config_file, number)
        return self.origin

    @classmethod
    def from_options(
        cls,
        root: Path,
        options: dict[str, Any],
        site_name: str = "govsite",
        site_url: str = "",
        config_file: str = "mkdocs.yml",
        pages_dir: str = "docs",
    ) -> SiteConfig:
        def path(name: str, default: str) -> Path:
            return _under(root, str(options.get(name) or default))

        return cls(
            root=root,
            content_dir=path("content", "content"),
            archive_dir=path("archive", "sources"),
            templates_dir=path("templates", "templates"),
            site_name=site_name,
            site_url=site_url,
            config_file=config_file,
            cache_dir=None
            if options.get("cache") is False
            else path("cache_dir", ".cache/govsite"),
            licence=str(options.get("licence") or ""),
            attribution=str(options.get("attribution") or ""),
            disclaimer=str(options.get("disclaimer") or ""),
            pages_dir=_under(root, pages_dir),
            collection=str(options.get("collection") or ""),
            contributors=options.get("contributors") is not False,
            acknowledged=tuple(str(c) for c in options.get("acknowledge") or ()),
        )


def _under(root: Path, value: str) -> Path:
    """A setting's path: as given when absolute, else relative to the site's folder."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


ABSOLUTE_URL = re.compile(r"^https?://[^\s/?#]+(?:/[^\s]*)?$")


def check_site_url(config: SiteConfig, diag: Diagnostics) -> None:
    """Warn when the site has no absolute address: permalinks, ``rel=cite-as``, citations,
    feed ids and the data's links would all be path-only, which no one can cite."""
    url = config.site_url.strip()
    if url and ABSOLUTE_URL.match(url):
        return
    problem = "is not set" if not url else f"{url!r} is not an absolute http(s) address"
    diag.warning(
        config.origin_of("site_url"),
        "site_url",
        f"{problem}; citations, permalinks and feed ids need the address the site is "
        "published at (for example site_url: https://reports.example.org/)",
    )


class _TolerantLoader(LimitedLoader):
    """Reads mkdocs.yml, ignoring the ``!!python/...`` and ``!ENV`` tags some sites use."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_TolerantLoader.add_multi_constructor("", _ignore_tag)


def _character(found: object) -> str:
    return chr(found) if isinstance(found, int) else str(found)


def _read_yaml(config_file: Path, diag: Diagnostics) -> dict[str, Any] | None:
    """One configuration file as a mapping; problems become diagnostics."""
    where = str(config_file)
    try:
        raw = config_file.read_bytes()
    except OSError as exc:
        diag.error(Origin(where), "(file)", f"cannot be read: {exc.strerror}")
        return None
    if len(raw) > YAML_MAX_BYTES:
        diag.error(Origin(where), "(file)", f"larger than {YAML_MAX_BYTES} bytes")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = bytes_position(raw, exc.start)
        diag.error(Origin(where, line, column), "(file)", f"not valid UTF-8 ({exc.reason})")
        return None
    try:
        data = yaml.load(text, Loader=_TolerantLoader)
    except yaml.MarkedYAMLError as exc:
        reason = yaml_error_reason(exc, text)
        lines = YamlLines.of(where, text)
        diag.error(
            lines.origin(exc.problem_mark or exc.context_mark),
            "(file)",
            f"malformed YAML: {reason}",
        )
        return None
    except yaml.reader.ReaderError as exc:
        line, column = text_position(text, exc.position)
        diag.error(
            Origin(where, line, column),
            "(file)",
            f"character {_character(exc.character)!r} is not allowed in YAML",
        )
        return None
    except yaml.YAMLError as exc:
        diag.error(Origin(where), "(file)", f"malformed YAML: {exc}")
        return None
    if not isinstance(data, dict):
        diag.error(Origin(where), "(file)", "must be a mapping")
        return None
    return data


def _merged(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent``, mappings merged key by key (as mkdocs merges INHERIT)."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


OptionValue = bool | int | float | str | tuple[str, ...]


@dataclass(slots=True, frozen=True)
class PluginOption:
    """One option of the govsite plugin in ``mkdocs.yml``, declared once: ``govsite check``
    reads it, the site engine's adapter builds its own schema from it, and the README's
    reference table is generated from it (``make reference``)."""

    name: str
    """The key under ``plugins: - govsite:``."""
    types: type | tuple[type, ...]
    """The Python types a value may have (a list's items are text)."""
    default: OptionValue
    """The value when the option is not set."""
    expects: str
    """What a value must be, in words (used in error messages and the reference)."""
    doc: str
    """What it does, for the reference table (Markdown, one line)."""


PLUGIN_OPTIONS: tuple[PluginOption, ...] = (
    PluginOption(
        "content",
        str,
        "content",
        "a folder",
        "Contributors' YAML: platforms, analyses, registries.",
    ),
    PluginOption(
        "archive",
        str,
        "sources",
        "a folder",
        "The archived texts: a folder inside a git work tree, whose history is the versions.",
    ),
    PluginOption(
        "templates",
        str,
        "templates",
        "a folder",
        "The site's own page templates, used before govsite's.",
    ),
    PluginOption(
        "cache", bool, True, "true or false", "Keep the build cache (`false` turns it off)."
    ),
    PluginOption(
        "cache_dir",
        str,
        ".cache/govsite",
        "a folder",
        "Where the build cache is kept (safe to delete at any time).",
    ),
    PluginOption(
        "licence",
        str,
        "",
        "text",
        "Licence of the archived texts, carried by the footer and the data downloads.",
    ),
    PluginOption(
        "attribution",
        str,
        "",
        "text",
        "Whom the archive's licence says to credit, shown with the data and on every page.",
    ),
    PluginOption(
        "disclaimer",
        str,
        "",
        "text",
        "What every analysis page says of the analyses' standing (Markdown); a default when empty.",
    ),
    PluginOption(
        "collection",
        str,
        "",
        "text",
        "Title of the archive's collection, named on the site and in the data.",
    ),
    PluginOption(
        "lock_wait",
        (int, float),
        1800.0,
        "a number of seconds",
        "How long a build waits for another build of the same site before it stops (0: at once).",
    ),
    PluginOption(
        "acknowledge",
        list,
        (),
        "a list of commit ids",
        "Commits of the archive whose known faults (a backdated or future date, say) the "
        "publisher has noted: govsite stops telling of them. Ids or prefixes of 7 or more "
        "characters.",
    ),
    PluginOption(
        "contributors",
        bool,
        True,
        "true or false",
        "List the site's contributors on a contributors page, each with the analyses they "
        "wrote and reviewed (`false` turns the page off).",
    ),
)

OPTION_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    option.name: (option.types, option.expects) for option in PLUGIN_OPTIONS
}
"""The plugin's options by name: their types and what they must be, in words."""
_OPTIONS = {option.name: option for option in PLUGIN_OPTIONS}


def options_reference() -> str:
    """The reference table of the plugin's options, in Markdown (for the README)."""
    rows = ["| option | value | default | what it does |", "|---|---|---|---|"]
    for option in PLUGIN_OPTIONS:
        default = option.default
        shown_default = (
            "none"
            if default in ("", ())
            else str(default).lower()
            if isinstance(default, bool)
            else f"`{default:g}`"
            if isinstance(default, float)
            else f"`{default}`"
        )
        rows.append(f"| `{option.name}` | {option.expects} | {shown_default} | {option.doc} |")
    return "\n".join(rows) + "\n"


REFERENCE_START = "<!-- plugin options: made from generator/config.py by `make reference` -->"
REFERENCE_END = "<!-- end of plugin options -->"


def with_reference(text: str) -> str:
    """``text`` (the README) with its table of plugin options made anew from
    :data:`PLUGIN_OPTIONS`, between :data:`REFERENCE_START` and :data:`REFERENCE_END`."""
    before, start, rest = text.partition(REFERENCE_START)
    _, end, after = rest.partition(REFERENCE_END)
    if not start or not end:
        raise ValueError("the README has no plugin options table markers")
    return f"{before}{start}\n{options_reference()}{end}{after}"


def _valid(option: PluginOption, value: object) -> bool:
    if option.types is list:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, option.types) and (option.types is bool or value is not True)


def load_site_config(config_file: Path, diag: Diagnostics) -> SiteConfig | None:
    """The govsite settings of a site, from its ``mkdocs.yml`` and the files it pulls in
    with ``INHERIT``."""
    data = _read_yaml(config_file, diag)
    if data is None:
        return None
    current, seen = config_file, {config_file.resolve()}
    while "INHERIT" in data:
        inherit = data.pop("INHERIT")
        parent_file = (current.parent / str(inherit)).resolve()
        if not isinstance(inherit, str) or parent_file in seen or len(seen) > 16:
            diag.error(Origin(current.name), "INHERIT", f"cannot inherit from {inherit!r}")
            return None
        seen.add(parent_file)
        parent = _read_yaml(parent_file, diag)
        if parent is None:
            return None
        data, current = _merged(parent, data), parent_file
    plugins = data.get("plugins")
    options: Any = {}
    found = False
    if isinstance(plugins, list):
        for entry in plugins:
            if entry == "govsite":
                found = True
            elif isinstance(entry, dict) and "govsite" in entry:
                found = True
                options = entry["govsite"] or {}
    elif isinstance(plugins, dict) and "govsite" in plugins:
        found = True
        options = plugins["govsite"] or {}
    if not found:
        diag.error(Origin(config_file.name), "plugins", "the govsite plugin is not enabled")
        return None
    if not isinstance(options, dict):
        diag.error(Origin(config_file.name), "plugins.govsite", "its options must be a mapping")
        return None
    wrong = False
    for name, value in options.items():
        expected = OPTION_TYPES.get(name) if isinstance(name, str) else None
        if expected is None:
            diag.error(
                Origin(config_file.name),
                f"plugins.govsite.{name if str(name).isidentifier() else shown(name)}",
                f"not an option of govsite (its options: {', '.join(OPTION_TYPES)})",
            )
            wrong = True
        elif not _valid(_OPTIONS[name], value):
            diag.error(
                Origin(config_file.name),
                f"plugins.govsite.{name}",
                f"must be {expected[1]}, not {shown(value)}",
            )
            wrong = True
    if wrong:
        return None
    return SiteConfig.from_options(
        config_file.parent.resolve(),
        options,
        site_name=str(data.get("site_name") or "govsite"),
        site_url=str(data.get("site_url") or ""),
        config_file=config_file.name,
        pages_dir=str(data.get("docs_dir") or "docs"),
    )
