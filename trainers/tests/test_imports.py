"""The trainers' modules import one another as a DAG, and each one imports on its own in a fresh interpreter.

The graph counts every `import` statement, function-local ones included: a cycle hidden by a local import still
breaks as soon as the import order changes, so it is a cycle here too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TRAINERS = REPO / "trainers"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(TRAINERS.rglob("*.py"))}


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The trainers modules `name` imports, anywhere in its body (absolute `ultralytics` is the pip package)."""
    found: set[str] = set()

    def add(target: str) -> None:
        while target and target not in known:  # `from pkg.mod import name`: the nearest module that exists
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "trainers":
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name, path)
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                source = f"{base}.{node.module}" if node.module else base
            elif node.module and node.module.split(".")[0] == "trainers":
                source = node.module
            else:
                continue
            for alias in node.names:  # `from package import submodule` imports the submodule
                if f"{source}.{alias.name}" in known:
                    add(f"{source}.{alias.name}")
                else:
                    add(source)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_import_graph_is_acyclic():
    known = _modules()
    graph = {name: _imports(name, path, known) for name, path in known.items()}
    assert graph["trainers.ultralytics.job"] >= {"trainers.ultralytics.context", "trainers.common.registry"}
    cycles = _cycles(graph)
    assert not cycles, "import cycles among the trainers' modules:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_cycle_detection_sees_function_local_imports(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from .context import ExportContext\n", encoding="utf-8")
    known = {"trainers.ultralytics.m": source, "trainers.ultralytics.context": source}
    assert _imports("trainers.ultralytics.m", source, known) == {"trainers.ultralytics.context"}
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


@pytest.mark.slow
def test_each_module_imports_alone():
    """One fresh interpreter per module: none of them relies on another having been imported first."""
    failed = []
    for name in (n for n in _modules() if not n.startswith("trainers.tests")):
        proc = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, cwd=REPO)
        if proc.returncode:
            failed.append(f"{name}:\n{proc.stderr[-2000:]}")
    assert not failed, "modules that fail to import on their own:\n" + "\n".join(failed)
