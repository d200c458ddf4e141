"""URLs are spelled in one place (issue 23): ``generator/urls.py`` knows the site's URL
scheme, the model's objects give their URLs from it (``page_url``, ``feed_url``...), and
templates print them. This scan of ``generator/`` and ``templates/`` fails on a string that
spells a site path anywhere else, so that a change of scheme is one edit and cannot miss a
copy."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

from helpers import ROOT

from generator import urls

GENERATOR = ROOT / "generator"
TEMPLATES = ROOT / "templates"

_TOP = "|".join(re.escape(s) for s in sorted(urls.RESERVED_PLATFORM_IDS | urls.FILE_FOLDERS))
_SITE_FOLDER = re.compile(rf"^/?(?:{_TOP})/")
"""Starts with a folder of the site: ``data/...``, ``texts/...``, ``search/...``."""
_ABSOLUTE = re.compile(r"^/\w")
"""A path from the site's root, such as ``/feed.xml``."""
_FILE = re.compile(r"\.(?:xml|json|csv|gz|xz)$")
"""Ends like a file the site publishes (feeds, records, texts, the dataset)."""
_QUERY = re.compile(r"[?&]\w+=")
"""A query parameter, such as the compare view's ``?document=``."""
_FRAGMENT = re.compile(r"^/?#[A-Za-z][\w-]*$")
"""A hand-appended anchor such as ``#retired`` (``# `` is Markdown, ``#0072B2`` a colour)."""
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{3,8}$")

# Each entry: (file relative to the repository, the literal) and why it is not a site URL.
ALLOWED: dict[tuple[str, str], str] = {
    ("generator/publish/carry.py", "/"): "folders of the output tree, as the carry walks them",
    ("generator/publish/carry.py", "state.json"): "a file of the build's work folder",
    ("generator/cli/preview.py", "/"): "the end of the local preview server's base address",
    ("generator/publish/search.py", "pagefind-entry.json"): "Pagefind's own file, read "
    "where Pagefind wrote it",
    ("generator/cli/scaffold.py", "direct_url.json"): "a file of pip's install metadata",
    (
        "generator/cli/scaffold.py",
        "/site/\n/.cache/\n/previous-manifest.json.gz\n/previous/\n/.site.govsite-lock\n/.site.govsite-replaced/\n",
    ): "patterns of the new site's .gitignore",
    ("generator/render/dataset.py", "texts/"): "a member of the dataset's tar archive",
    ("generator/render/dataset.py", ".json"): "a member of the dataset's tar archive",
    ("generator/render/dataset.py", "provisions.csv"): "a member of the dataset's tar archive",
    ("generator/mkdocs_plugin/theme.py", "assets/javascripts/lunr"): "the theme's own files",
    ("generator/mkdocs_plugin/theme.py", "assets/javascripts/workers"): "the theme's own files",
    ("generator/text/views.py", "#"): "an archived text's own in-page link, pointed at the "
    "anchor its heading was given",
    ("templates/assets/compare.js", "?document="): "the compare view keeps its own state in "
    "the query urls.compare() defines",
    ("templates/assets/compare.js", "&from="): "the same query",
    ("templates/assets/compare.js", "&to="): "the same query",
    # Known wrong: the data page describes two paths the site does not publish (a version's
    # metadata is inside its document's record; texts are at urls.text()). Correcting them
    # changes the page, so it is left to its own change.
    (
        "templates/pages/data.html",
        "data/versions/&lt;platform&gt;/&lt;document&gt;/&lt;date&gt;.json",
    ): "known wrong, see above",
}


def _url_like(text: str) -> bool:
    if _COLOUR.match(text):
        return False
    return bool(
        _SITE_FOLDER.match(text)
        or _ABSOLUTE.match(text)
        or _FILE.search(text)
        or _QUERY.search(text)
        or _FRAGMENT.search(text)
    )


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
        # An attribute's docstring follows it.
        if isinstance(node, ast.Module | ast.ClassDef):
            for before, after in zip(node.body, node.body[1:], strict=False):
                if (
                    isinstance(before, ast.Assign | ast.AnnAssign)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                ):
                    found.add(id(after.value))
    return found


def python_literals(path: Path) -> Iterator[tuple[int, str]]:
    """The strings of a module that could spell a URL: each literal, and each literal part
    of an f-string (a part that ends in ``#`` or ``/`` before a value joins a path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            for i, part in enumerate(parts):
                if not isinstance(part, ast.Constant) or not isinstance(part.value, str):
                    continue
                skip.add(id(part))
                text = part.value
                # "#" or "/#" before a value appends an anchor; a final "/" after one makes
                # a folder URL of it (f"{registry}/").
                anchor = text in ("#", "/#") and i + 1 < len(parts)
                joins = anchor or (text == "/" and i > 0 and i == len(parts) - 1)
                if joins or _url_like(text):
                    yield part.lineno, text
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and _url_like(node.value)
        ):
            yield node.lineno, node.value


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_ATTRIBUTE = re.compile(r"\s(href|src|action|data-[\w-]+)=\"([^\"]*)\"")
_STRING = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_TAG = re.compile(r"<[^>]*>")


def _blank(match: re.Match[str]) -> str:
    """A match as spaces, its line breaks kept (so line numbers stay right)."""
    return re.sub(r"[^\n]", " ", match.group())


def template_strings(path: Path) -> Iterator[tuple[int, str]]:
    """What a template spells itself: attribute values less their expressions, string
    literals inside expressions, and words of its text."""
    source = _COMMENT.sub(_blank, path.read_text("utf-8"))

    def line(offset: int) -> int:
        return source.count("\n", 0, offset) + 1

    for m in _JINJA.finditer(source):
        for s in _STRING.finditer(m.group()):
            text = s.group(1) if s.group(1) is not None else s.group(2)
            if text in ("#", "/#") or _url_like(text):  # "#" joined to a value: an anchor
                yield line(m.start()), text
    for m in _ATTRIBUTE.finditer(source):
        # mkdocs' way to the site's root from a page: what follows comes from urls.py.
        literal = _JINJA.sub("", m.group(2).removeprefix("{{ base_url }}/"))
        if m.group(1) in ("href", "src", "action"):
            # Allowed: an expression alone, a link outside the site, or an anchor of the
            # page itself (its own sections, or "#" and an expression).
            if literal in ("", "#") or literal.startswith("https://"):
                continue
            if literal.startswith("#") and literal[1:] in urls.PAGE_ANCHORS:
                continue
            yield line(m.start()), literal
        elif _url_like(literal):
            yield line(m.start()), literal
    text = _TAG.sub(_blank, _JINJA.sub(_blank, source))
    for m in re.finditer(r"\S+", text):
        word = m.group()
        if (
            _SITE_FOLDER.match(word)
            or _ABSOLUTE.match(word)
            or ("/" in word and _FILE.search(word))
        ):
            yield line(m.start()), word


def script_strings(path: Path) -> Iterator[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    for m in re.finditer(r"\"([^\"\n]*)\"|'([^'\n]*)'", source):
        text = m.group(1) if m.group(1) is not None else m.group(2)
        if _url_like(text) and not text.startswith("#"):  # "#" in scripts: CSS selectors
            yield source.count("\n", 0, m.start()) + 1, text


@functools.cache
def spelled() -> list[tuple[str, int, str]]:
    """Every URL-like string outside urls.py: (file, line, string)."""
    found = []
    sources: list[tuple[Path, Iterator[tuple[int, str]]]] = [
        *((p, python_literals(p)) for p in sorted(GENERATOR.rglob("*.py")) if p.name != "urls.py"),
        *((p, template_strings(p)) for p in sorted(TEMPLATES.rglob("*.html"))),
        *((p, script_strings(p)) for p in sorted(TEMPLATES.rglob("*.js"))),
    ]
    for path, strings in sources:
        name = path.relative_to(ROOT).as_posix()
        found += [(name, lineno, text) for lineno, text in strings]
    return found


def test_nothing_outside_urls_spells_a_site_path() -> None:
    found = [f"{n}:{line}: {s!r}" for n, line, s in spelled() if (n, s) not in ALLOWED]
    assert not found, (
        "site paths spelled outside generator/urls.py (give the object a URL property there, "
        "or add the literal to ALLOWED with why it is not a site URL):\n" + "\n".join(found)
    )


_CALL = re.compile(r"\burls\.(\w+)\(([^()]*)\)")
_LITERAL = re.compile(r"""\s*(?:'[^']*'|"[^"]*"|True|False)\s*""")


def test_templates_print_the_urls_of_objects() -> None:
    """Templates take an object's URL from the object (``entry.page_url``); they call
    urls.py only for the site's fixed files and pages, with literal arguments (a schema's
    name, or a placeholder a script fills in)."""
    keyed = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for call in _CALL.finditer(line):
                arguments = call.group(2).split(",") if call.group(2).strip() else []
                if not all(_LITERAL.fullmatch(a) for a in arguments):
                    keyed.append(f"{path.relative_to(ROOT)}:{lineno}: {call.group()}")
    assert not keyed, "URLs built from keys in templates:\n" + "\n".join(keyed)


def test_every_allowed_literal_is_still_there() -> None:
    """An allowance whose literal is gone goes too, so the list stays short and true."""
    present = {(name, text) for name, _, text in spelled()}
    assert set(ALLOWED) - present == set()


def test_the_scan_finds_what_it_is_for(tmp_path: Path) -> None:
    """The strays of issue 23, each caught."""
    module = tmp_path / "m.py"
    module.write_text(
        'a = "/feed.xml"\nb = f"{registry}/"\nc = url + f"#{slug}"\nd = "data/platforms/"\n'
        'e = f"{key}/feed.xml"\nf = "#0072B2"\ng = "# heading"\nh = f"{platform}/{document}"\n',
        encoding="utf-8",
    )
    assert sorted(line for line, _ in python_literals(module)) == [1, 2, 3, 4, 5]
    page = tmp_path / "p.html"
    page.write_text(
        '<a href="{{ base_url }}/feed.xml">\n<a href="#history">\n<a href="#{{ c }}">\n'
        "{{ u(x ~ '#' ~ y) }}\n<code>data/documents/x.json</code>\n<a href=\"{{ u(d.page_url) }}\">\n",
        encoding="utf-8",
    )
    assert sorted(line for line, _ in template_strings(page)) == [1, 4, 5]
