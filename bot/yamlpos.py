"""YAML loading that remembers the line of every key, so errors can point at the right line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass
class YamlDocument:
    """Parsed YAML data plus a map from key paths to 1-based line numbers."""

    data: Any
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def line_of(self, path: tuple[str, ...]) -> int | None:
        """The line of the deepest known prefix of `path` (a missing key points at its parent)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1 if self.lines else None


def _walk(node: yaml.Node, prefix: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, str(key_node.value))
            lines[path] = key_node.start_mark.line + 1
            _walk(value_node, path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = (*prefix, str(index))
            lines[path] = item.start_mark.line + 1
            _walk(item, path, lines)


def parse_yaml_with_lines(text: str) -> YamlDocument:
    """Parse YAML text once for data and once for node positions."""
    data = yaml.safe_load(text)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple[str, ...], int] = {}
    if node is not None:
        _walk(node, (), lines)
    return YamlDocument(data=data, lines=lines)


def load_yaml_with_lines(path: Path) -> YamlDocument:
    """Read a UTF-8 YAML file with line positions."""
    return parse_yaml_with_lines(path.read_text(encoding="utf-8"))
