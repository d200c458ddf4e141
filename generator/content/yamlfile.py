"""Read YAML while keeping the line and column of every key and value.

Values are built from pyyaml's node tree rather than its constructor, so that duplicate
keys are caught, dates stay as the strings the contributor wrote, and nothing but plain
data (mappings, sequences, strings, numbers, booleans, null) can come out of a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import untrusted
from ..diagnostics import Diagnostics, Origin

Key = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(slots=True)
class YamlDocument:
    """A parsed YAML file: plain data plus where each part of it stands."""

    path: str
    """The file's path as reported in diagnostics."""
    data: Any
    """The file's content as plain Python data (timestamps kept as strings)."""
    origins: dict[Key, Origin] = field(default_factory=dict)
    """Position of each value, keyed by its path of mapping keys and list indexes."""
    refused: set[Key] = field(default_factory=set)
    """Values already reported and read as null (a tag, a lone surrogate): not checked
    again."""

    def origin(self, key: Key = ()) -> Origin:
        """Where ``key`` stands, or its nearest enclosing value if it is absent."""
        while key not in self.origins and key:
            key = key[:-1]
        return self.origins.get(key, Origin(self.path, 1, 1))

    def key_origin(self, key: Key) -> Origin:
        """Where the mapping key of ``key`` stands (for 'unknown key' messages)."""
        return self.origins.get((*key, "\0key"), self.origin(key))


def format_key(key: Key) -> str:
    """``("regulations", 1, "id")`` -> ``regulations[1].id``. A key that would not read as
    one (empty, padded with spaces, holding a line break or other invisible characters, or
    very long) is shown quoted and cut short: ``['']``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not part or part != part.strip() or not part.isprintable() or len(part) > 80:
            out += f"[{untrusted.shown(part)}]"
        else:
            out += f".{part}" if out else part
    return out or "(file)"


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    value = node.value
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:null":
        return None
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")
"""What a double-quoted ``"\\ud800"`` escape gives: not text, and no file can hold it."""

_COLLECTION_TAGS = {
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Limit(Exception):
    """The file goes past a limit of :mod:`generator.untrusted`; building stops there."""

    def __init__(self, origin: Origin, field: str, reason: str) -> None:
        super().__init__(reason)
        self.origin, self.field, self.reason = origin, field, reason


@dataclass(slots=True)
class _Builder:
    """Plain data from a node tree, counting every value an alias repeats, so that aliases
    can neither loop (an alias inside the value it names) nor multiply a small file into a
    huge one."""

    lines: untrusted.YamlLines
    """The file's path and how its positions are counted."""
    diagnostics: Diagnostics
    """Where problems go."""
    origins: dict[Key, Origin] = field(default_factory=dict)
    """Position of each value built, by key."""
    values: int = 0
    """Values built so far, aliases expanded."""
    open_nodes: set[int] = field(default_factory=set)
    """Ids of the nodes being built (the current path from the root), to catch loops."""
    refused: set[Key] = field(default_factory=set)
    """Values reported and read as null."""

    def build(self, node: yaml.Node, key: Key) -> Any:
        where = self._origin(node)
        self.values += 1
        if self.values > untrusted.YAML_MAX_VALUES:
            raise _Limit(
                where,
                format_key(key),
                f"more than {untrusted.YAML_MAX_VALUES} values once aliases are expanded; "
                "write the values out instead of repeating them with aliases",
            )
        if len(key) > untrusted.YAML_MAX_DEPTH:
            raise _Limit(
                where,
                format_key(key[:8]),
                f"nested deeper than {untrusted.YAML_MAX_DEPTH} levels once aliases are expanded",
            )
        if id(node) in self.open_nodes:
            raise _Limit(where, format_key(key), "an alias refers to a value that contains it")
        self.origins[key] = where
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _PLAIN_TAGS:
                self._refuse_tag(node, key)
                self.refused.add(key)
                return None
            if _SURROGATE.search(node.value):
                self._refuse_surrogate(node, key)
                self.refused.add(key)
                return None
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            if node.tag != _COLLECTION_TAGS[type(node)]:
                self._refuse_tag(node, key)
                self.refused.add(key)
                return None
            self.open_nodes.add(id(node))
            try:
                if isinstance(node, yaml.SequenceNode):
                    return [
                        self.build(item, (*key, index)) for index, item in enumerate(node.value)
                    ]
                return self._mapping(node, key)
            finally:
                self.open_nodes.discard(id(node))
        self.diagnostics.error(where, format_key(key), "unsupported YAML node")
        return None

    def _origin(self, node: yaml.Node) -> Origin:
        return self.lines.origin(node.start_mark)

    def _refuse_surrogate(self, node: yaml.Node, key: Key) -> None:
        self.diagnostics.error(
            self._origin(node),
            format_key(key),
            "holds an escaped lone surrogate (such as \\ud800), which is not a character; "
            "remove it",
        )

    def _refuse_tag(self, node: yaml.Node, key: Key) -> None:
        self.diagnostics.error(
            self._origin(node),
            format_key(key),
            f"unsupported YAML tag {untrusted.shown(node.tag)} (only plain values, lists and "
            "mappings are read)",
        )

    def _mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.error(
                    self._origin(key_node), format_key(key), "mapping keys must be plain text"
                )
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.diagnostics.error(
                    self._origin(key_node),
                    format_key(key),
                    "YAML merge keys are not supported",
                )
                continue
            if key_node.tag not in _PLAIN_TAGS:
                self._refuse_tag(key_node, key)
                continue
            if _SURROGATE.search(str(key_node.value)):
                self._refuse_surrogate(key_node, key)
                continue
            name = str(key_node.value)
            child = (*key, name)
            if name in result:
                first = self.origins[(*child, "\0key")].line
                self.diagnostics.error(
                    self._origin(key_node),
                    format_key(child),
                    f"duplicate key (first given on line {first})",
                )
                continue
            self.origins[(*child, "\0key")] = self._origin(key_node)
            result[name] = self.build(value_node, child)
        return result


def _character(found: object) -> str:
    return chr(found) if isinstance(found, int) else str(found)


def parse_yaml(text: str, path: str, diagnostics: Diagnostics) -> YamlDocument | None:
    """Parse one YAML document; syntax errors and files past the limits of
    :mod:`generator.untrusted` become diagnostics and give ``None``."""
    if len(text) > untrusted.YAML_MAX_BYTES:
        diagnostics.error(
            Origin(path),
            "(file)",
            f"larger than {untrusted.YAML_MAX_BYTES} characters; content files are a few "
            "kilobytes (split it)",
        )
        return None
    lines = untrusted.YamlLines.of(path, text)
    try:
        root = yaml.compose(text, Loader=untrusted.LimitedLoader)
    except untrusted.YamlLimitError as exc:
        diagnostics.error(lines.origin(exc.problem_mark), "(file)", f"{exc.problem}")
        return None
    except yaml.MarkedYAMLError as exc:
        where = lines.origin(exc.problem_mark or exc.context_mark)
        reason = untrusted.yaml_error_reason(exc, text)
        diagnostics.error(where, "(file)", f"malformed YAML: {reason}")
        return None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a control character, for instance).
        line, column = untrusted.text_position(text, exc.position)
        diagnostics.error(
            Origin(path, line, column),
            "(file)",
            f"character {_character(exc.character)!r} is not allowed in YAML",
        )
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(Origin(path, 1, 1), "(file)", f"malformed YAML: {exc}")
        return None
    if root is None:
        return YamlDocument(path, None, {(): Origin(path, 1, 1)})
    builder = _Builder(lines, diagnostics)
    try:
        data = builder.build(root, ())
    except _Limit as limit:
        diagnostics.error(limit.origin, limit.field, limit.reason)
        return None
    return YamlDocument(path, data, builder.origins, builder.refused)


def load_yaml(file: Path, display_path: str, diagnostics: Diagnostics) -> YamlDocument | None:
    """Read and parse ``file``; unreadable or undecodable files become diagnostics.

    Only a regular file is read: a symbolic link could make a pull request echo any file of
    the machine that builds it (``/etc/shadow``) into the diagnostics, and a device or pipe
    could block the build or never end.
    """
    try:
        if file.is_symlink():
            diagnostics.error(
                Origin(display_path),
                "(file)",
                "is a symbolic link; content files must be regular files (it was not read)",
            )
            return None
        if not file.is_file():
            diagnostics.error(Origin(display_path), "(file)", "is not a regular file")
            return None
        with file.open("rb") as handle:
            data = handle.read(untrusted.YAML_MAX_BYTES + 1)
    except OSError as exc:
        diagnostics.error(Origin(display_path), "(file)", f"cannot be read: {exc.strerror}")
        return None
    if len(data) > untrusted.YAML_MAX_BYTES:
        diagnostics.error(
            Origin(display_path),
            "(file)",
            f"larger than {untrusted.YAML_MAX_BYTES} bytes; content files are a few kilobytes "
            "(split it)",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = untrusted.bytes_position(data, exc.start)
        diagnostics.error(
            Origin(display_path, line, column),
            "(file)",
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} ({exc.reason}); save the file as UTF-8",
        )
        return None
    return parse_yaml(text, display_path, diagnostics)
