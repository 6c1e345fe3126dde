"""The package's shape (issue 10): layers, no import cycles, no hidden imports, small modules.

The layer contracts themselves are import-linter's (``lint-imports`` in ``make test``, configured in
pyproject.toml); these tests check what import-linter does not: cycles anywhere, imports inside
functions, imports by string, module size, and the one definition of shared vocabulary.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

from jasyl import vocabulary
from jasyl.cli._options import Language, OutputFormat, TableOrJson

SRC = Path(__file__).resolve().parents[1] / "src" / "jasyl"
MODULES = sorted(p for p in SRC.rglob("*.py") if "migrations/versions" not in p.as_posix())
MAX_LINES = 600


def _sccs(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components with more than one module (import cycles), Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("jasyl")
    assert _sccs(graph) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_shape(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name} has more than {MAX_LINES} lines"
    tree = ast.parse(text)
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            inner = [n for n in names if n.startswith("jasyl") or (isinstance(node, ast.ImportFrom) and node.level)]
            assert not inner, f"{path.name}:{node.lineno}: jasyl imported inside a function or block"
    # no plugin lists as strings: modules are imported by name, never looked up at run time
    assert not re.search(r"\bimport_module\(|__import__\(", text), f"{path.name} imports by string"
    assert not re.search(r"[\"']jasyl\.[a-z_.]+:[a-z_]+[\"']", text), f"{path.name} names a jasyl object as a string"


def test_vocabulary_is_defined_once() -> None:
    assert {f.value for f in OutputFormat} == set(vocabulary.OUTPUT_FORMATS)
    assert {f.value for f in TableOrJson} == set(vocabulary.OUTPUT_FORMATS) - {"csv"}
    assert tuple(lang.value for lang in Language) == vocabulary.LANGUAGES
    defined = [p for p in MODULES if re.search(r"^class OutputFormat\b", p.read_text(encoding="utf-8"), re.M)]
    assert [p.name for p in defined] == ["_options.py"]
    registries = [p for p in MODULES if "UnitRegistry(" in p.read_text(encoding="utf-8")]
    assert [p.name for p in registries] == ["units.py"]
    # "electricity" is a planner bus and a spelling accepted in city files, never a carrier
    assert "electricity" not in vocabulary.CARRIER_SET and vocabulary.normalise_carrier("electricity") in (
        vocabulary.CARRIER_SET)


def test_no_pyplot_anywhere() -> None:
    """Figures are Figure objects (thread-safe in a server); pyplot's global state is never used."""
    users = [p.name for p in MODULES if re.search(r"matplotlib\.pyplot|pyplot as plt", p.read_text(encoding="utf-8"))]
    assert users == []
