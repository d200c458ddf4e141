"""govsite's pages in an mkdocs theme: front matter, table of contents, and whole pages
rendered in the theme as mkdocs renders its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import sysconfig
from collections.abc import Mapping
from html import escape
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import mkdocs
import yaml
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc

from .. import urls
from ..cache import code_fingerprint, digest, tree_digest
from ..untrusted import clean_text

if TYPE_CHECKING:  # the render stage is imported only by builds that render
    from ..render.pages import Page


def src_path(page: Page) -> str:
    """The virtual Markdown file a page stands in for in mkdocs' file list."""
    return urls.page_source(page.url)


def front_matter(page: Page) -> str:
    """The virtual Markdown file of a page: front matter only (written by libyaml where
    PyYAML has it, four times faster than its pure-Python writer: only mkdocs reads it
    back, so its layout may differ between the two)."""
    dumped = yaml.dump(page_meta(page), Dumper=_DUMPER, allow_unicode=True, sort_keys=True)
    return "---\n" + dumped + "---\n"


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def page_meta(page: Page) -> dict[str, Any]:
    """A page's metadata as mkdocs and its theme read it from front matter.

    mkdocs themes print the title and description without escaping them (they assume
    trusted Markdown), so both are escaped here: contributors' text must stay text.
    """
    meta: dict[str, Any] = {"title": escape(clean_text(page.title))}
    if page.description:
        meta["description"] = escape(clean_text(page.description))
    if not page.searchable:
        meta["search"] = {"exclude": True}
    if page.template:
        meta["template"] = page.template
    if page.meta:
        meta["govsite"] = dict(page.meta)
    return meta


def page_file(page: Page, config: MkDocsConfig) -> File:
    """The page as a generated file; only hub pages are listed in the navigation."""
    return File.generated(
        config, src_path(page), content=front_matter(page), inclusion=_inclusion(page)
    )


def _inclusion(page: Page) -> InclusionLevel:
    return InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV


def toc(page: Page) -> Any:
    """The page's table of contents for the theme: sections nested under the title heading
    (the theme lists them and links "skip to content" to the title)."""
    items: list[Any] = []  # the theme's TocToken dicts
    for e in page.toc:
        item = {"level": e.level, "id": e.anchor, "name": escape(e.title), "children": []}
        if items and items[-1]["level"] < e.level:
            items[-1]["children"].append(item)
        else:
            items.append(item)
    return get_toc(items)


def _engine_versions() -> list[str]:
    """The engine running (ProperDocs answers to the name ``mkdocs`` too), and every
    installed theme and plugin package: a plugin's page events run on govsite's pages too."""
    versions = [f"{mkdocs.__name__}={mkdocs.__version__}"]
    for group in ("mkdocs.themes", "mkdocs.plugins"):
        for entry in entry_points(group=group):
            dist = entry.dist
            name = dist.metadata["Name"] if dist is not None else entry.value
            version = dist.version if dist is not None else "?"
            versions.append(f"{group}:{entry.name}={name}=={version}")
    return sorted(set(versions))


_INHERIT = re.compile(rb"""^INHERIT:[ \t]*["']?(.+?)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)
_ENV_TAG = re.compile(rb"!ENV[ \t]+(\[[^\]\n]*\]|[^\s#,\]}]+)")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _config_files(config_file: Path) -> list[bytes]:
    """The bytes of ``mkdocs.yml`` and of every file it pulls in with ``INHERIT`` (followed
    as mkdocs does), with the value of each environment variable they read with ``!ENV``."""
    parts: list[bytes] = []
    seen: set[Path] = set()
    path: Path | None = config_file
    while path is not None and path not in seen and len(seen) < 16:
        seen.add(path)
        try:
            data = path.read_bytes()
        except OSError:
            parts.append(f"{path}: missing".encode())
            break
        parts.append(data)
        for tag in _ENV_TAG.findall(data):
            for name in tag.decode("utf-8", "replace").strip("[]").split(","):
                name = name.strip().strip("'\"")
                if _ENV_NAME.match(name):
                    parts.append(f"${name}={os.environ.get(name, '(unset)')}".encode())
        inherit = _INHERIT.search(data)
        path = (path.parent / inherit[1].decode("utf-8", "replace")).resolve() if inherit else None
    return parts


def _installed(folder: Path) -> bool:
    """Whether ``folder`` belongs to an installed package (whose version is in the key)."""
    roots = {sysconfig.get_paths()[name] for name in ("purelib", "platlib")}
    resolved = folder.resolve()
    return any(resolved.is_relative_to(Path(root).resolve()) for root in roots)


def _hooks(config: MkDocsConfig) -> list[bytes]:
    """The source of the site's hook modules (``hooks:`` in ``mkdocs.yml``)."""
    hooks = config.get("hooks") or {}
    modules = hooks.values() if isinstance(hooks, dict) else hooks
    found: list[bytes] = []
    for module in modules:
        file = getattr(module, "__file__", None) or str(module)
        try:
            found.append(Path(file).read_bytes())
        except OSError:
            found.append(str(file).encode())
    return found


_SETTINGS = (
    "site_name", "site_url", "site_description", "site_author", "copyright", "repo_url",
    "repo_name", "edit_uri", "use_directory_urls", "extra", "extra_css", "extra_javascript",
    "extra_templates", "markdown_extensions", "mdx_configs", "validation", "exclude_docs",
    "not_in_nav", "draft_docs",
)  # fmt: skip
"""Settings that shape every page in the theme, as mkdocs resolved them (command-line
options, ``!ENV`` and ``INHERIT`` included)."""


def theme_key(config: MkDocsConfig, nav: Navigation, templates_dir: Path) -> str:
    """Everything of the theme a rendered page depends on, besides its own content: the
    configuration files and resolved settings, the theme's own folders (a ``custom_dir``
    override included; installed themes by their versions), hooks, the docs folder, the
    site's templates and the navigation."""
    settings = {name: config.get(name) for name in _SETTINGS}
    settings["theme"] = {**dict(config.theme), "name": config.theme.name}
    theme_dirs = [Path(d) for d in config.theme.dirs]
    return digest(
        code_fingerprint(),
        *_engine_versions(),
        *_config_files(Path(config.config_file_path)),
        json.dumps(settings, sort_keys=True, default=str),
        *(f"{d}:{tree_digest([d])}" for d in theme_dirs if not _installed(d)),
        *(str(d) for d in theme_dirs),
        *_hooks(config),
        tree_digest([Path(config.docs_dir)]),
        tree_digest([templates_dir]),
        *(f"{page.title}|{page.url}" for page in nav.pages),
    )


def _packages() -> list[str]:
    """Every package installed beside the engine, by the names of their metadata folders
    (which carry their versions): a Markdown extension or a plugin shapes pages too. One
    listing per folder, where reading each package's metadata would cost a no-op build
    tens of milliseconds."""
    found: list[str] = []
    for folder in dict.fromkeys(sysconfig.get_paths()[name] for name in ("purelib", "platlib")):
        try:
            found += sorted(
                n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info"))
            )
        except OSError:
            found.append(f"{folder}: unreadable")
    return found


def _plain(value: Any) -> Any:
    """A resolved setting that JSON does not hold, as data (an object's text otherwise:
    one that names its address makes every build a new one, never a wrong no-op)."""
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if isinstance(value, Mapping):
        return dict(value)
    return f"{type(value).__name__}:{value}"


def engine_inputs(config: MkDocsConfig) -> str:
    """Everything of the engine a build's output is made from: Python and every installed
    package, the configuration files and every setting as resolved (other plugins' included;
    not ``strict``, which changes no output: a no-op build replays the warnings), the theme's
    folders (installed themes by their versions), hooks and the docs folder."""
    settings = {name: config[name] for name in config if name not in ("plugins", "strict", "theme")}
    settings["plugins"] = {name: dict(plugin.config) for name, plugin in config.plugins.items()}
    theme_dirs = [Path(d) for d in config.theme.dirs]
    settings["theme"] = {
        **dict(config.theme),
        "name": config.theme.name,
        "dirs": [str(d) for d in theme_dirs],
        "static_templates": sorted(config.theme.static_templates),
    }
    return digest(
        "engine inputs",
        sys.version,
        f"{mkdocs.__name__}={mkdocs.__version__}",
        *_packages(),  # themes and plugins included (reading their entry points costs more)
        *_config_files(Path(config.config_file_path)),
        json.dumps(settings, sort_keys=True, default=_plain),
        *(f"{d}:{tree_digest([d])}" for d in theme_dirs if not _installed(d)),
        *_hooks(config),
        tree_digest([Path(config.docs_dir)]),
    )


def skip_rendering(config: MkDocsConfig) -> None:
    """Leave the engine nothing to render or copy in this build (a no-op build): no theme
    folder to list or copy files from, no theme template, no navigation to resolve."""
    config.theme.dirs = []
    config.theme.static_templates = set()
    config["nav"] = None
    config["extra_templates"] = []


class MkdocsTheme:
    """Renders govsite's pages in the site's mkdocs theme (the publish stage's Theme)."""

    def __init__(
        self, config: MkDocsConfig, nav: Navigation, env: jinja2.Environment, files: Files
    ) -> None:
        self.config, self.nav, self.env = config, nav, env
        self.documentation = files.documentation_pages()
        self.rendering = False
        """Whether a page of govsite's is being rendered (plugins' events see it)."""

    def render(self, page: Page) -> str:
        config = self.config
        # The page's metadata is set as reading its front matter would (a YAML round trip
        # per history page cost seconds on a large archive).
        file = File.generated(config, src_path(page), content="", inclusion=_inclusion(page))
        mkpage = MkPage(None, file, config)
        mkpage.markdown, mkpage.meta = "", page_meta(page)
        mkpage.content = page.html
        mkpage.toc = toc(page)
        mkpage.active = True
        context = get_context(self.nav, self.documentation, config, mkpage)
        template = self.env.get_template(mkpage.meta.get("template", "main.html"))
        self.rendering = True
        try:
            context = config.plugins.on_page_context(
                context, page=mkpage, config=config, nav=self.nav
            )
            output: str = template.render(context)
            rendered: str = config.plugins.on_post_page(output, page=mkpage, config=config)
        finally:
            self.rendering = False
        if page.meta.get("light"):
            return light_frame(rendered, page.html)
        return rendered


_BLANK_OR_INDENT = re.compile(r"\n[ \t\r\n]+")


def light_frame(rendered: str, content: str) -> str:
    """``rendered`` with the theme's blank lines and indentation taken out around
    ``content`` (the page's own HTML, left as it is: an archived text may hold ``<pre>``).
    The theme's frame holds no preformatted text, and each line break stays a line break."""
    start = rendered.find(content)
    if start < 0 or not content:
        return rendered
    end = start + len(content)
    return (
        _BLANK_OR_INDENT.sub("\n", rendered[:start])
        + content
        + _BLANK_OR_INDENT.sub("\n", rendered[end:])
    )


UNUSED_WITHOUT_SEARCH = ("assets/javascripts/lunr", "assets/javascripts/workers")
"""mkdocs-material's own search (lunr and its worker), copied with the theme's files: the
site searches with Pagefind, so unless the theme's search plugin is on they serve nothing
(36 files; static hosts count files)."""


def drop_unused_theme_files(config: MkDocsConfig, site_dir: Path) -> None:
    """Remove the theme's files that nothing on the site loads."""
    if any(name in config.plugins for name in ("search", "material/search")):
        return
    for folder in UNUSED_WITHOUT_SEARCH:
        shutil.rmtree(site_dir / folder, ignore_errors=True)
