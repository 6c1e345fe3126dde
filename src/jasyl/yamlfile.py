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


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader (libyaml's parser where installed, ten times faster than the pure-Python one):
    construction errors carry their mark; aliases are counted and must not recurse (checked on the
    composed node graph before anything is built)."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_graph(node)
        return self.construct_document(node)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ConstructorError(None, None, f"cannot read the value '{shorten(node.value, 40)}': "
                                   f"{shorten(exc, 120)}", node.start_mark) from None


def _check_graph(root: Node) -> None:
    """Refuse a node graph where a collection contains itself (an alias to an enclosing anchor) or where
    more than :data:`MAX_ALIASES` aliases are used (a node reached a second time is an alias)."""
    seen: set[int] = set()
    open_: set[int] = set()
    aliases = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            open_.discard(id(node))
            continue
        key = id(node)
        if key in open_:
            raise yaml.composer.ComposerError(None, None, "an alias refers to a node that contains it",
                                              node.start_mark)
        if key in seen:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(None, None, f"more than {MAX_ALIASES} aliases in one document",
                                                  node.start_mark)
            continue
        seen.add(key)
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            open_.add(key)
            stack.append((node, True))
            children = node.value if isinstance(node, yaml.SequenceNode) else [x for kv in node.value for x in kv]
            stack.extend((child, False) for child in reversed(children))


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
