"""Reading YAML data files with errors that name the file, line and column."""

from __future__ import annotations

from typing import Any

import yaml

from jasyl.errors import SchemaError

__all__ = ["parse_yaml", "parse_yaml_mapping"]


def parse_yaml(text: str, label: str, *, fix: str = "check indentation, colons and quotes there") -> Any:
    """Parse YAML text; a syntax error becomes a :class:`SchemaError` naming ``label`` and the line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SchemaError(f"broken YAML{where}: {problem}", file=label, fix=fix) from None


def parse_yaml_mapping(text: str, label: str, *, expected: str, fix: str) -> dict[str, Any]:
    """Parse YAML text that must be a mapping; ``expected`` says which fields it should hold."""
    data = parse_yaml(text, label)
    if not isinstance(data, dict):
        raise SchemaError(f"expected a YAML mapping {expected}", file=label, fix=fix)
    return data
