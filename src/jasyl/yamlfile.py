"""Reading YAML data files with errors that name the file, line and column.

The loader is PyYAML's safe loader with three guards: a value the safe constructors cannot build
(``!!int 'x'``, an integer of more than 4,300 digits) becomes a YAML error at its line instead of a bare
``ValueError``; an alias that refers to the node it sits in (a structure containing itself) is refused;
and a document may use at most :data:`MAX_ALIASES` aliases, so that a "billion laughs" file cannot make
the validation that follows walk an exponential tree.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import Node

from jasyl.errors import SchemaError, shorten

__all__ = ["parse_yaml", "parse_yaml_mapping", "MAX_ALIASES"]

#: aliases (``*name``) one document may use; jasyl's data files need none or a few
MAX_ALIASES = 100


class _Loader(yaml.SafeLoader):
    """Safe loader: construction errors carry their mark; aliases are counted and must not recurse."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._open: list[str] = []  # anchors of the collections being composed

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(None, None, f"more than {MAX_ALIASES} aliases in one document",
                                                  event.start_mark)
            anchor = event.anchor
            if anchor in self._open:
                raise yaml.composer.ComposerError(None, None, f"the alias *{anchor} refers to a node that contains"
                                                  " it", event.start_mark)
            return super().compose_node(parent, index)
        return super().compose_node(parent, index)

    def compose_sequence_node(self, anchor: Any) -> Any:
        return self._composing(super().compose_sequence_node, anchor)

    def compose_mapping_node(self, anchor: Any) -> Any:
        return self._composing(super().compose_mapping_node, anchor)

    def _composing(self, compose: Any, anchor: str | None) -> Node:
        # PyYAML registers an anchored collection before reading its children: an alias to it from inside
        # would build a structure that contains itself
        self._open.append(anchor or "")
        try:
            node: Node = compose(anchor)
        finally:
            self._open.pop()
        return node

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ConstructorError(None, None, f"cannot read the value '{shorten(node.value, 40)}': "
                                   f"{shorten(exc, 120)}", node.start_mark) from None


def parse_yaml(text: str, label: str, *, fix: str = "check indentation, colons and quotes there") -> Any:
    """Parse YAML text; a syntax error becomes a :class:`SchemaError` naming ``label`` and the line."""
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow, at a position
            pos = int(exc.position)
            where = f" at line {text.count(chr(10), 0, pos) + 1}, column {pos - text.rfind(chr(10), 0, pos)}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SchemaError(f"broken YAML{where}: {shorten(problem, 200)}", file=label, fix=fix) from None
    except RecursionError:
        raise SchemaError("broken YAML: nested too deeply", file=label, fix=fix) from None
    finally:
        if loader is not None:
            loader.dispose()


def parse_yaml_mapping(text: str, label: str, *, expected: str, fix: str) -> dict[str, Any]:
    """Parse YAML text that must be a mapping; ``expected`` says which fields it should hold."""
    data = parse_yaml(text, label)
    if not isinstance(data, dict):
        raise SchemaError(f"expected a YAML mapping {expected} at the top level (line 1)", file=label, fix=fix)
    return data
