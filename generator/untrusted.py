"""Rules for text nobody here wrote: archived texts, file names, commit messages, YAML.

Shared by every stage that takes such text in or puts it out: invisible characters that
could disguise text are removed, and only harmless link targets are let through.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml

from .diagnostics import Origin

# Bidirectional embeddings, overrides and isolates; zero-width and other invisible
# formatting characters; the byte-order mark. Soft hyphens are harmless but hide words.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters no XML 1.0 document may hold (lone surrogates, U+FFFE, U+FFFF) and the other
# noncharacters: one of them in a title makes a feed unparseable.
_NOT_XML = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
    )
    + "]"
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:https?:|//)", re.IGNORECASE)
"""Links that leave the site (they get ``rel="nofollow"``; no page sends a referrer)."""
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


# Every character the three patterns above remove, in one class; and every character at
# or above the first of _NOT_XML's. Matching _NOT_XML's class is slow (about 5 MB/s: it
# lists a pair of characters per plane), these are ten times faster, and most texts hold
# none of these characters, so they decide whether the slow pass runs at all.
_ANY_REMOVED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2069\ufeff\ud800-\U0010ffff]"
)
_HIGH = re.compile("[\ud800-\U0010ffff]")


def clean_text(text: str) -> str:
    """Remove characters that could disguise or break text shown to readers."""
    if not _ANY_REMOVED.search(text):
        return text
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    return _NOT_XML.sub("", text) if _HIGH.search(text) else text


def xml_chars(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids: the last guard of every XML file
    written (what reaches it has been through :func:`clean_text` already)."""
    return _XML_INVALID.sub("", text)


def safe_url(url: str) -> bool:
    """True for http(s), mailto, scheme-less (relative or fragment) URLs and network-path
    references (``//host/path``, which browsers open over the page's own https)."""
    compact = re.sub(r"[\s\x00-\x1f]", "", url)
    if SAFE_SCHEME.match(compact):
        return True
    return not _ANY_SCHEME.match(compact)


# Limits on YAML nobody here wrote (content files, mkdocs.yml): each content file is a few
# kilobytes, so these leave room for any real file while keeping a hostile one (a "billion
# laughs" of nested aliases, thousands of nested brackets) from exhausting memory or the
# stack. Each is reported with the file, line and the limit that was reached.
YAML_MAX_BYTES = 1_000_000
"""Largest YAML file read, in bytes."""
YAML_MAX_DEPTH = 64
"""Deepest nesting of lists and mappings, aliases expanded."""
YAML_MAX_VALUES = 50_000
"""Most values in one file, counting every value an alias repeats."""


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML file goes past one of the limits above."""


class LimitedLoader(yaml.SafeLoader):
    """pyyaml's safe loader, refusing to compose nodes nested deeper than
    :data:`YAML_MAX_DEPTH` (its composer recurses once per level, so a deep enough file would
    otherwise end in ``RecursionError``)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > YAML_MAX_DEPTH:
                raise YamlLimitError(
                    problem=f"nested deeper than {YAML_MAX_DEPTH} levels",
                    problem_mark=self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


_YAML_ONLY_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


@dataclass(slots=True)
class YamlLines:
    """Positions in a YAML file as ``grep -n``, git and editors count them. pyyaml also breaks
    lines at a lone carriage return, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, so where a
    file holds one, its marks are turned back into lines counted by newlines only."""

    path: str
    """The file's path as reported."""
    starts: list[int] | None
    """Offset where each line starts, when the file holds such a character."""

    @classmethod
    def of(cls, path: str, text: str) -> YamlLines:
        if not any(brk in text for brk in _YAML_ONLY_BREAKS):
            return cls(path, None)
        return cls(path, [0, *(m.end() for m in re.finditer("\n", text))])

    def origin(self, mark: yaml.Mark | None) -> Origin:
        if mark is None:
            return Origin(self.path)
        if self.starts is None:
            return Origin(self.path, mark.line + 1, mark.column + 1)
        line = bisect.bisect_right(self.starts, mark.index)
        return Origin(self.path, line, mark.index - self.starts[line - 1] + 1)


def text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of the character at ``index`` of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def bytes_position(data: bytes, index: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of the byte at ``index`` of ``data``."""
    line_start = data.rfind(b"\n", 0, index) + 1
    return data.count(b"\n", 0, index) + 1, index - line_start + 1


def shown(value: object, limit: int = 60) -> str:
    """An untrusted value quoted for a message, cut short: diagnostics end up in CI logs."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (OWASP's rule:
    a cell starting with ``= + - @``, a tab or a carriage return gets a leading ``'``)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _key_and_value(line: str) -> tuple[str, str] | None:
    """``key`` and ``value`` of a ``key: value`` line (list dashes kept in the key)."""
    found = re.match(r"^(\s*(?:-\s+)?[^\s:#'\"][^:#]*?):\s+(.*\S)\s*$", line)
    return (found[1], found[2]) if found else None


def _quoted(value: str) -> str:
    """``value`` as a double-quoted YAML string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_error_reason(error: yaml.MarkedYAMLError, text: str) -> str:
    """A YAML syntax error in plain words, with the fix that most often applies; the
    parser's own words follow in brackets for whoever knows them."""
    problem = str(error.problem or "")
    context = str(error.context or "")
    mark = error.problem_mark or error.context_mark
    lines = text.split("\n")
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    technical = f" [YAML: {' '.join(p for p in (context, problem) if p)}]"
    pair = _key_and_value(line)
    if "mapping values are not allowed" in problem and mark is not None:
        number = mark.line - 1
        while number >= 0 and not lines[number].strip():
            number -= 1
        before = lines[number] if number >= 0 else ""
        indent = len(line) - len(line.lstrip())
        if before.strip() and not before.lstrip().startswith(("#", "-")):
            if _key_and_value(before) is None and not before.rstrip().endswith(":"):
                return (
                    f"line {number + 1} has no colon after its key, so YAML reads it and this "
                    f"line as one: write it as `key: value`" + technical
                )
            if indent > len(before) - len(before.lstrip()) and pair is not None:
                return (
                    f"this line is indented under the value of line {number + 1}, so YAML "
                    "reads it as the rest of that value: if it is a key of its own, line it "
                    "up with the key above; if it belongs to the value, put the whole value "
                    "in double quotes" + technical
                )
    if "mapping values are not allowed" in problem:
        fix = ""
        if pair is not None:
            fix = f"; write it as: {pair[0].strip()}: {_quoted(pair[1])}"
        return (
            "this value holds a colon followed by a space, which YAML reads as the start of "
            f"another key: put the whole value in double quotes{fix}" + technical
        )
    if "'\\t'" in problem or "\\t" in problem:
        return "a tab character indents this line: YAML indents with spaces only" + technical
    if "while scanning a quoted scalar" in context or "found unexpected end of stream" in problem:
        opened = error.context_mark.line + 1 if error.context_mark is not None else 0
        where = f" on line {opened}" if opened else ""
        return (
            f"a quoted value opened{where} is never closed: add the closing quote, and write "
            'each quote inside a double-quoted value as \\"' + technical
        )
    if "expected <block end>, but found" in problem and ("'<scalar>'" in problem or "'\"'" in line):
        return (
            "text follows the closing quote of a value: put the whole value in quotes, and "
            'write each quote inside it as \\" (or use single quotes outside and double '
            "quotes inside)" + technical
        )
    if "that cannot start any token" in problem:
        return (
            "a value starts with a character YAML reserves (such as @, ` or %): put the "
            "whole value in double quotes" + technical
        )
    if "could not find expected ':'" in problem:
        return (
            "this line is neither `key: value` nor a list item, or it continues a value "
            "without being indented under it: add the colon after the key, or indent the "
            "continued text further than the key" + technical
        )
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return (
            "this line's indentation does not match the keys around it: line it up with the "
            "other keys of its level (two spaces per level, no tabs), or quote a value that "
            "starts with a special character" + technical
        )
    if "did not find expected '-'" in problem:
        return (
            "a list item is not lined up with the items before it: start each item with "
            "'- ' at the same indentation" + technical
        )
    if "while parsing a flow" in context:
        return (
            "a list or mapping opened with [ or { is not closed as YAML expects: close it, "
            "or put a value that starts with [ or { in double quotes" + technical
        )
    return (
        "this is not valid YAML: check the quotes and the indentation of this line and of "
        "the line before it" + technical
    )
