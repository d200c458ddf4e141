"""The jinja2 environment of generated pages: template folders, filters and globals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import jinja2
import jinja2.bccache
from markupsafe import Markup

from .. import urls
from ..archive.history import VersionKind
from ..cache import (
    PACKAGE_TEMPLATES,
    Namespace,
    local_key,
    replacing,
    report_damaged,
    seal_code,
    unseal_code,
)
from ..text import safemd
from ..untrusted import clean_text
from .change_list import change_list_html
from .fragments import change_summary, render_segments, search_marks

_LABELLED = re.compile(
    r"^(?:art(?:icle)?s?\b|§|sec(?:tion)?s?\b|recitals?\b|annex(?:es)?\b|chapters?\b|"
    r"para(?:graph)?s?\b|parts?\b|titles?\b|schedules?\b|rules?\b|clauses?\b|"
    r"sub-?section|point|item)",
    re.IGNORECASE,
)


def article_label(value: str) -> str:
    """A regulation's part as readers see it: a bare number or letter is an article
    ("17" is "Art. 17"); a value that names its own kind ("Art. 17", "Article 17",
    "Recital 26", "§ 5") is shown as written, never with a second label."""
    text = " ".join(clean_text(value or "").split())
    return text if _LABELLED.match(text) else f"Art. {text}"


def make_environment(
    extra_dirs: Iterable[Path] = (), cache_dir: Path | None = None
) -> jinja2.Environment:
    """The page templates' environment; a site's own folders come before govsite's, and
    compiled templates are kept in ``cache_dir``."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in extra_dirs]
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES / "pages")))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(cache_dir),
    )
    env.filters["md"] = lambda text: Markup(safemd.render_markdown(text or ""))
    env.filters["md_inline"] = lambda text: Markup(safemd.render_markdown(text or "", inline=True))
    env.filters["clean"] = lambda text: clean_text(text or "")
    env.filters["article"] = article_label
    env.filters["day"] = lambda value: value.strftime("%Y-%m-%d")
    env.filters["longday"] = lambda value: f"{value:%B} {value.day}, {value.year}"
    env.filters["segments"] = render_segments
    env.globals["VersionKind"] = VersionKind
    env.globals["change_summary"] = change_summary
    env.globals["change_list"] = change_list_html
    env.globals["urls"] = urls
    env.globals["search_marks"] = search_marks
    return env


class CheckedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates on disk. They are code, which runs when loaded: each entry is
    sealed with a MAC under a key that never leaves this machine (Jinja checks an entry
    against its template's source, which anyone can write), so a compiled template from
    anywhere else fails its check and is compiled again."""

    def __init__(self, directory: str, key: bytes) -> None:
        super().__init__(directory, "govsite-%s.cache")
        self._key = key

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            sealed = path.read_bytes()
        except OSError:
            return
        payload = unseal_code(sealed, path.name, self._key)
        if payload is None:
            report_damaged(path, "it was not compiled on this machine, or was changed since")
            return
        bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        with replacing(path) as file:
            file.write(seal_code(bucket.bytecode_to_string(), path.name, self._key))


def bytecode_cache(cache_dir: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates on disk, sealed with this machine's key (none without a cache or
    a key)."""
    key = local_key()
    if cache_dir is None or key is None:
        return None
    folder = cache_dir / Namespace.JINJA
    folder.mkdir(parents=True, exist_ok=True)
    return CheckedBytecodeCache(str(folder), key)
