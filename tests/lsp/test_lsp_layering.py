"""The layering of `learnability.lsp`, read from the source with `ast` (nothing is imported):

- no import circle among its modules (every import counts: at the top, inside a function, under
  `TYPE_CHECKING`), so each module can be read and changed knowing only the ones below it;
- nothing else in `learnability` imports `learnability.lsp`, except the CLI that starts the server;
- the state and data types sit at the bottom: `state.py` imports no other lsp module but `positions`;
- every handler and helper that takes the server says so (`ls: LearnabilityServer`, never `Any`).
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "learnability"
LSP = "learnability.lsp"
ENTRY_POINTS = {"learnability.cli"}  # `learnability serve` starts the server: the top, above lsp/


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path) -> set[str]:
    """Every module `path` imports (absolute names; `from pkg import mod` counts as `pkg.mod` when `mod`
    is a module of the package under `root`)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.add(module)
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                sub = root.parent.joinpath(*candidate.split("."))
                if sub.with_suffix(".py").is_file() or (sub / "__init__.py").is_file():
                    out.add(candidate)
    return out


def import_graph(root: Path, prefix: str) -> dict[str, set[str]]:
    """module -> the modules under `prefix` it imports (itself and its own package's `__init__` left out)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        name = module_name(path, root)
        if name != prefix and not name.startswith(prefix + "."):
            continue
        graph[name] = {m for m in imported_modules(path, root)
                       if (m == prefix or m.startswith(prefix + ".")) and m != name and m != prefix}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def test_the_cycle_finder_finds_a_circle_through_a_lazy_import(tmp_path: Path) -> None:
    pkg = tmp_path / "demo" / "lsp"
    pkg.mkdir(parents=True)
    (tmp_path / "demo" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "server.py").write_text("def create():\n    from demo.lsp import hover\n")
    (pkg / "hover.py").write_text("from .server import create\n")
    (pkg / "state.py").write_text("X = 1\n")
    graph = import_graph(tmp_path / "demo", "demo.lsp")
    assert graph["demo.lsp.hover"] == {"demo.lsp.server"}
    assert graph["demo.lsp.server"] == {"demo.lsp.hover"}
    assert set(find_cycle(graph) or []) == {"demo.lsp.server", "demo.lsp.hover"}
    (pkg / "server.py").write_text("from demo.lsp.state import X\n")
    assert find_cycle(import_graph(tmp_path / "demo", "demo.lsp")) is None


def test_no_import_circle_among_the_lsp_modules() -> None:
    graph = import_graph(PACKAGE, LSP)
    assert len(graph) >= 10 and f"{LSP}.server" in graph  # the graph was read (not vacuously acyclic)
    assert f"{LSP}.server" in graph[f"{LSP}.diagnostics"]
    assert find_cycle(graph) is None, f"import circle: {' -> '.join(find_cycle(graph) or [])}"


def test_state_is_the_bottom_and_the_server_imports_no_feature() -> None:
    graph = import_graph(PACKAGE, LSP)
    assert graph[f"{LSP}.state"] <= {f"{LSP}.positions"}
    features = {f"{LSP}.{m}" for m in ("diagnostics", "notebooks", "code_actions", "hover", "code_lens",
                                       "commands", "probe_command", "lifecycle", "publish", "main")}
    assert not graph[f"{LSP}.server"] & features


def test_nothing_below_lsp_imports_it() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path, PACKAGE)
        if name == LSP or name.startswith(LSP + ".") or name in ENTRY_POINTS:
            continue
        hits = {m for m in imported_modules(path, PACKAGE) if m == LSP or m.startswith(LSP + ".")}
        if hits:
            offenders.append(f"{name} imports {sorted(hits)}")
    assert not offenders


SERVER_PARAMS = {"ls", "server"}


@pytest.mark.parametrize("path", sorted((PACKAGE / "lsp").glob("*.py")), ids=lambda p: p.name)
def test_every_function_that_takes_the_server_types_it(path: Path) -> None:
    untyped = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for arg in node.args.args:
                if arg.arg in SERVER_PARAMS and path.name != "positions.py":  # below server.py: it cannot name it
                    shown = ast.unparse(arg.annotation) if arg.annotation is not None else "nothing"
                    if shown != "LearnabilityServer":
                        untyped.append(f"{node.name}({arg.arg}: {shown}) line {node.lineno}")
    assert not untyped
