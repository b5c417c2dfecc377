"""The tree keeps its plan: the core imports no Qt, window or command line; the window never imports the
command line; no module of `editor/` takes part in an import circle (imports inside functions count too,
since a late import is still a dependency)."""

from __future__ import annotations

import ast
from pathlib import Path

import editor

PACKAGE = Path(editor.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The modules (of any package) a file imports, with relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in files and m != name} for name, path in files.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_layers_point_one_way():
    wrong = []
    for name, path in sorted((module_name(p), p) for p in PACKAGE.rglob("*.py")):
        for target in imports_of(path):
            if name.startswith("editor.core") and (target.split(".")[0] in ("PySide6", "shiboken6")
                                                   or target.startswith(("editor.ui", "editor.cli"))):
                wrong.append(f"{name} -> {target}")
            if name.startswith("editor.ui") and target.startswith("editor.cli"):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_core_packages_keep_their_order():
    """document <- validation <- index; files and bump use document, never validation's callers."""
    allowed = {
        "document": {"document"},
        "files": {"document", "files"},
        "validation": {"document", "files", "validation"},
        "index": {"document", "files", "validation", "index"},
    }
    wrong = []
    for name, targets in graph().items():
        parts = name.split(".")
        if len(parts) < 3 or parts[1] != "core" or parts[2] not in allowed:
            continue
        for target in targets:
            tparts = target.split(".")
            if len(tparts) >= 3 and tparts[1] == "core" and tparts[2] not in allowed[parts[2]]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []
