"""Read YAML while keeping the line and column of every key and value.

Values are built from pyyaml's node tree rather than its constructor, so that duplicate
keys are caught, dates stay as the strings the contributor wrote, and nothing but plain
data (mappings, sequences, strings, numbers, booleans, null) can come out of a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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

    def origin(self, key: Key = ()) -> Origin:
        """Where ``key`` stands, or its nearest enclosing value if it is absent."""
        while key not in self.origins and key:
            key = key[:-1]
        return self.origins.get(key, Origin(self.path, 1, 1))

    def key_origin(self, key: Key) -> Origin:
        """Where the mapping key of ``key`` stands (for 'unknown key' messages)."""
        return self.origins.get((*key, "\0key"), self.origin(key))


def format_key(key: Key) -> str:
    """``("regulations", 1, "id")`` -> ``regulations[1].id``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
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


def _origin(path: str, node: yaml.Node) -> Origin:
    return Origin(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _build(
    path: str, node: yaml.Node, key: Key, origins: dict[Key, Origin], diagnostics: Diagnostics
) -> Any:
    origins[key] = _origin(path, node)
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _PLAIN_TAGS:
            diagnostics.error(
                _origin(path, node), format_key(key), f"unsupported YAML tag {node.tag!r}"
            )
            return None
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(path, item, (*key, index), origins, diagnostics)
            for index, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                diagnostics.error(
                    _origin(path, key_node), format_key(key), "mapping keys must be plain text"
                )
                continue
            name = str(key_node.value)
            if key_node.tag == "tag:yaml.org,2002:merge":
                diagnostics.error(
                    _origin(path, key_node), format_key(key), "YAML merge keys are not supported"
                )
                continue
            child = (*key, name)
            if name in result:
                diagnostics.error(
                    _origin(path, key_node),
                    format_key(child),
                    f"duplicate key (first given on line {origins[(*child, chr(0) + 'key')].line})",
                )
                continue
            origins[(*child, "\0key")] = _origin(path, key_node)
            result[name] = _build(path, value_node, child, origins, diagnostics)
        return result
    diagnostics.error(_origin(path, node), format_key(key), "unsupported YAML node")
    return None


def parse_yaml(text: str, path: str, diagnostics: Diagnostics) -> YamlDocument | None:
    """Parse one YAML document; syntax errors become diagnostics and give ``None``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        diagnostics.error(Origin(path, line, column), "(file)", f"malformed YAML: {reason}")
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(Origin(path, 1, 1), "(file)", f"malformed YAML: {exc}")
        return None
    origins: dict[Key, Origin] = {}
    if root is None:
        return YamlDocument(path, None, {(): Origin(path, 1, 1)})
    data = _build(path, root, (), origins, diagnostics)
    return YamlDocument(path, data, origins)


def load_yaml(file: Path, display_path: str, diagnostics: Diagnostics) -> YamlDocument | None:
    """Read and parse ``file``; unreadable or undecodable files become diagnostics."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        diagnostics.error(Origin(display_path), "(file)", f"not valid UTF-8 ({exc.reason})")
        return None
    except OSError as exc:
        diagnostics.error(Origin(display_path), "(file)", f"cannot be read: {exc.strerror}")
        return None
    return parse_yaml(text, display_path, diagnostics)
