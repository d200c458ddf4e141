"""Where a site's inputs are: read from the govsite entry of ``mkdocs.yml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
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

OptionValue = bool | int | float | str | tuple[str, ...]

LAYOUTS = ("full", "large")
"""The layouts of version pages: each version's text on its page, or in one shared file per
distinct text (for large collections)."""


@dataclass(slots=True, frozen=True)
class PluginOption:
    """One option of the govsite plugin in ``mkdocs.yml``, declared once, on the field of
    :class:`SiteConfig` it sets (:func:`option`): ``govsite check`` validates it, the site
    engine's adapter builds its own schema from it, :meth:`SiteConfig.from_options` gives its
    default, the render cache key covers it when pages show it, and the README's reference
    table is generated from it (``make reference``)."""

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
    shown: bool = True
    """Whether pages show something of it, so that the render cache key covers it (a
    folder's content is covered by the model, not by its name)."""
    field: str = ""
    """The :class:`SiteConfig` field it sets (filled in from the declaration)."""
    choices: tuple[str, ...] = ()
    """The values a text option may take (empty: any)."""

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is of the option's types (never ``True`` for a number) and, for
        an option with choices, one of them."""
        if self.types is list:
            return isinstance(value, list) and all(isinstance(item, str) for item in value)
        if self.choices and value not in self.choices:
            return False
        return isinstance(value, self.types) and (self.types is bool or value is not True)

    def value(self, root: Path, given: object) -> Any:
        """The field's value for ``given`` (``None`` when the option is not set): a folder
        relative to the site's ``root``, a list as a tuple, anything else as it is."""
        if given is None or (given == "" and self.expects == "a folder"):
            given = self.default
        if self.expects == "a folder":
            return _under(root, str(given))
        if isinstance(given, list | tuple):
            return tuple(str(item) for item in given)
        return given


def option(
    name: str,
    types: type | tuple[type, ...],
    default: OptionValue,
    expects: str,
    doc: str,
    *,
    shown: bool = True,
    required: bool = False,
    choices: tuple[str, ...] = (),
) -> Any:
    """A :class:`SiteConfig` field set by the plugin option ``name`` (``required``: no
    default on the dataclass, which :meth:`SiteConfig.from_options` always gives;
    ``choices``: the values it may take)."""
    metadata = {"option": PluginOption(name, types, default, expects, doc, shown, "", choices)}
    if required:
        return field(metadata=metadata)
    return field(default=None if expects == "a folder" else default, metadata=metadata)


@dataclass(slots=True, frozen=True)
class SiteConfig:
    """The inputs of one site. The fields made with :func:`option` are the plugin's options,
    in the order of the README's reference: adding an option is adding such a field."""

    root: Path
    """The folder of ``mkdocs.yml``; relative paths start here."""
    content_dir: Path = option(
        "content",
        str,
        "content",
        "a folder",
        "Contributors' YAML: platforms, analyses, registries.",
        shown=False,
        required=True,
    )
    """Contributors' YAML (``content/``)."""
    archive_dir: Path = option(
        "archive",
        str,
        "sources",
        "a folder",
        "The archived texts: a folder inside a git work tree, whose history is the versions.",
        shown=False,
        required=True,
    )
    """The archived texts: a folder inside a git work tree (``sources/`` by default)."""
    templates_dir: Path = option(
        "templates",
        str,
        "templates",
        "a folder",
        "The site's own page templates, used before govsite's.",
        shown=False,
        required=True,
    )
    """The site's own page templates, which take precedence over govsite's."""
    cache: bool = option(
        "cache",
        bool,
        True,
        "true or false",
        "Keep the build cache (`false` turns it off).",
        shown=False,
    )
    """Whether the build keeps a cache (``cache_dir`` is ``None`` when it does not)."""
    cache_dir: Path | None = option(
        "cache_dir",
        str,
        ".cache/govsite",
        "a folder",
        "Where the build cache is kept (safe to delete at any time).",
        shown=False,
    )
    """The build cache (safe to delete); ``None`` keeps everything in memory."""
    licence: str = option(
        "licence",
        str,
        "",
        "text",
        "Licence of the archived texts, carried by the footer and the data downloads.",
    )
    """Licence of the archived texts, carried by the data downloads."""
    attribution: str = option(
        "attribution",
        str,
        "",
        "text",
        "Whom the archive's licence says to credit, shown with the data and on every page.",
    )
    """Attribution the archive's licence requires, shown with the data and on the site."""
    disclaimer: str = option(
        "disclaimer",
        str,
        "",
        "text",
        "What every analysis page says of the analyses' standing (Markdown); a default when empty.",
    )
    """What every analysis page says of the analyses' standing (Markdown); a default when
    empty."""
    collection: str = option(
        "collection",
        str,
        "",
        "text",
        "Title of the archive's collection, named on the site and in the data.",
    )
    """Title of the archive's collection (from its README), named on the site and the data."""
    lock_wait: float = option(
        "lock_wait",
        (int, float),
        1800.0,
        "a number of seconds",
        "How long a build waits for another build of the same site before it stops (0: at once).",
        shown=False,
    )
    """How long a build waits for another build of the same site, in seconds (checked by
    :func:`generator.publish.lock.check_wait` when the build starts)."""
    acknowledged: tuple[str, ...] = option(
        "acknowledge",
        list,
        (),
        "a list of commit ids",
        "Commits of the archive whose known faults (a backdated or future date, say) the "
        "publisher has noted: govsite stops telling of them. Ids or prefixes of 7 or more "
        "characters.",
        shown=False,
    )
    """Commits of the archive whose notes the publisher has acknowledged (not repeated)."""
    contributors: bool = option(
        "contributors",
        bool,
        True,
        "true or false",
        "List the site's contributors on a contributors page, each with the analyses they "
        "wrote and reviewed (`false` turns the page off).",
    )
    """Whether the site lists its contributors, each with what they wrote and reviewed
    (``contributors: false`` turns the page off)."""
    layout: str = option(
        "layout",
        str,
        "full",
        "`full` or `large`",
        "How version pages are laid out: `full` shows each version's whole text on its page; "
        "`large` (for collections past the static hosts' limits) links one shared text file "
        'per distinct text and summarises long changes (see "Layouts").',
        choices=LAYOUTS,
    )
    """How version pages are laid out (:data:`LAYOUTS`): ``full`` shows each version's text
    on its page, ``large`` links one shared HTML file per distinct text and summarises long
    change lists, so that a large collection's site stays near the size of its texts."""
    compress_texts: bool = option(
        "compress_texts",
        bool,
        False,
        "true or false",
        "With `layout: large`: store each text page gzip-compressed under its own URL, for a "
        "host that sends it with `Content-Encoding: gzip` (an object store behind a CDN; not "
        "GitHub Pages or Cloudflare Pages): the site shrinks by most of a copy of its texts "
        '(see "Compressed text pages").',
        shown=False,
    )
    """Whether the ``large`` layout's text pages are stored gzip-compressed
    (:func:`generator.encoded.stored_page`), for a host that serves them with
    ``Content-Encoding: gzip``; only the ``large`` layout has text pages
    (:func:`option_combination_problems`)."""
    site_name: str = field(default="govsite", metadata={"shown": True})
    """The site's name, used in citations and feeds."""
    site_url: str = field(default="", metadata={"shown": True})
    """The published address, for permalinks in citations and feeds."""
    config_file: str = "mkdocs.yml"
    """Where settings errors are reported."""
    pages_dir: Path | None = None
    """The site's hand-written pages (mkdocs' ``docs_dir``), when known."""

    @property
    def methodology_url(self) -> str:
        """The site's methodology page, when it has one ('' otherwise)."""
        if self.pages_dir is not None and (self.pages_dir / "methodology.md").is_file():
            return urls.METHODOLOGY
        return ""

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

    def shown(self) -> list[str]:
        """The settings pages show something of (for the render cache key): every option
        declared ``shown``, the site's name and address, and its methodology page."""
        found = []
        for f in fields(self):
            declared = f.metadata.get("option")
            if declared.shown if isinstance(declared, PluginOption) else f.metadata.get("shown"):
                found.append(f"{f.name}={getattr(self, f.name)!r}")
        return [*found, f"methodology_url={self.methodology_url!r}"]

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
        """The settings of a site from its plugin options (checked already: by the engine,
        or by :func:`load_site_config`); an option not given takes its declared default."""
        values = {o.field: o.value(root, options.get(o.name)) for o in PLUGIN_OPTIONS}
        if not values["cache"]:
            values["cache_dir"] = None
        return cls(
            root=root,
            site_name=site_name,
            site_url=site_url,
            config_file=config_file,
            pages_dir=_under(root, pages_dir),
            **values,
        )


PLUGIN_OPTIONS: tuple[PluginOption, ...] = tuple(
    replace(f.metadata["option"], field=f.name)
    for f in fields(SiteConfig)
    if isinstance(f.metadata.get("option"), PluginOption)
)
"""The plugin's options, in the order of their fields: the one declaration."""
_OPTIONS = {option.name: option for option in PLUGIN_OPTIONS}


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


def _with_inherited(config_file: Path, diag: Diagnostics) -> dict[str, Any] | None:
    """``mkdocs.yml`` merged over the files it pulls in with ``INHERIT``, as mkdocs merges
    them."""
    data = _read_yaml(config_file, diag)
    current, seen = config_file, {config_file.resolve()}
    while data is not None and "INHERIT" in data:
        inherit = data.pop("INHERIT")
        parent_file = (current.parent / str(inherit)).resolve()
        if not isinstance(inherit, str) or parent_file in seen or len(seen) > 16:
            diag.error(Origin(current.name), "INHERIT", f"cannot inherit from {inherit!r}")
            return None
        seen.add(parent_file)
        parent = _read_yaml(parent_file, diag)
        data = None if parent is None else _merged(parent, data)
        current = parent_file
    return data


def _plugin_options(plugins: object) -> object:
    """The govsite entry of ``plugins`` (a list or a mapping): its options (``{}`` when it
    has none), or ``None`` when the plugin is not enabled."""
    entries = (
        plugins if isinstance(plugins, list) else [plugins] if isinstance(plugins, dict) else []
    )
    for entry in entries:
        if entry == "govsite":
            return {}
        if isinstance(entry, dict) and "govsite" in entry:
            return entry["govsite"] or {}
    return None


def _option_problems(options: dict[Any, Any]) -> list[tuple[str, str]]:
    """Each option that is not one of govsite's or not of its type: its field and why."""
    problems = []
    for name, value in options.items():
        declared = _OPTIONS.get(name) if isinstance(name, str) else None
        if declared is None:
            shown_name = name if str(name).isidentifier() else shown(name)
            problems.append(
                (
                    f"plugins.govsite.{shown_name}",
                    f"not an option of govsite (its options: {', '.join(_OPTIONS)})",
                )
            )
        elif not declared.accepts(value):
            problems.append(
                (f"plugins.govsite.{name}", f"must be {declared.expects}, not {shown(value)}")
            )
    return problems


def option_combination_problems(options: dict[Any, Any]) -> list[tuple[str, str]]:
    """Options each valid alone that do not go together: their field and why."""
    if options.get("compress_texts") is True and options.get("layout", "full") != "large":
        return [
            (
                "plugins.govsite.compress_texts",
                "only the `large` layout has text pages to compress (set `layout: large`)",
            )
        ]
    return []


def load_site_config(config_file: Path, diag: Diagnostics) -> SiteConfig | None:
    """The govsite settings of a site, from its ``mkdocs.yml`` and the files it pulls in
    with ``INHERIT``, checked against the options' declaration (without the site engine,
    which ``govsite check`` does not need)."""
    data = _with_inherited(config_file, diag)
    if data is None:
        return None
    where = Origin(config_file.name)
    options = _plugin_options(data.get("plugins"))
    if options is None:
        diag.error(where, "plugins", "the govsite plugin is not enabled")
        return None
    if not isinstance(options, dict):
        diag.error(where, "plugins.govsite", "its options must be a mapping")
        return None
    problems = [*_option_problems(options), *option_combination_problems(options)]
    for name, reason in problems:
        diag.error(where, name, reason)
    if problems:
        return None
    return SiteConfig.from_options(
        config_file.parent.resolve(),
        options,
        site_name=str(data.get("site_name") or "govsite"),
        site_url=str(data.get("site_url") or ""),
        config_file=config_file.name,
        pages_dir=str(data.get("docs_dir") or "docs"),
    )
