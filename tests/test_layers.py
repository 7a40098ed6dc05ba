"""The package's shape: layers that point one way, small modules, no private names across them.

The layers, lowest first (a module imports only from its own layer or lower ones):

0. tools: text, files, codegen, ieee (float edge cases)
1. the registry: ops, math (every rule), operators (the operator table), symbolic (rules read
   on symbols)
2. the core: core
3. walks of the graph: graph
4. around the core: modes, hooks, fused, fast, copying
5. views: names, steps, inspect, source (the code of a graph), viz, page, and their parts
6. apps: functional, forward, gradcheck, nn, optim, train, data, examples, testing, and the rest
7. the command line: cli, __main__, and the package itself
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "autograd"

LAYERS = {
    "text": 0, "files": 0, "codegen": 0, "ieee": 0,
    "ops": 1, "math": 1, "operators": 1, "symbolic": 1,
    "core": 2,
    "graph": 3,
    "modes": 4, "hooks": 4, "fused": 4, "fast": 4, "copying": 4,
    "names": 5, "steps": 5, "inspect": 5, "viz": 5, "page": 5, "source": 5,
    "cli": 7, "__main__": 7, "__init__": 7,
}
APPS = 6  # every module not listed above
VIEWS_PREFIXES = ("viz_", "page_")  # the parts of the drawing and the page are views too


def layer(name: str) -> int:
    if name in LAYERS:
        return LAYERS[name]
    if name.startswith(VIEWS_PREFIXES):
        return 5
    if name.startswith("cli_"):
        return 7
    return APPS


def modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported from the package, names imported, line) for each relative import,
    at any depth of the file (a function-level import counts too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [a.name for a in node.names]
            if node.module is None:  # from . import x, y
                found.extend((n, [], node.lineno) for n in names)
            else:
                found.append((node.module.split(".")[0], names, node.lineno))
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.stem)
def test_layers_point_one_way(path: Path) -> None:
    here = layer(path.stem)
    for module, _, line in imports(path):
        if path.stem == "cli" and module == "__version__":
            continue  # the package's version, a string
        assert layer(module) <= here, (
            f"autograd/{path.name}:{line} imports {module} (layer {layer(module)}) from layer "
            f"{here}: layers point one way (see this test's docstring)")


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.stem)
def test_no_private_names_across_modules(path: Path) -> None:
    for module, names, line in imports(path):
        private = [n for n in names if n.startswith("_")]
        assert not private, f"autograd/{path.name}:{line} imports {private} from {module}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.stem)
def test_modules_and_classes_are_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    limit = 200 if path.stem == "core" else 500
    assert len(lines) <= limit, f"autograd/{path.name} has {len(lines)} lines (at most {limit})"
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.ClassDef):
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            assert size <= 150, f"autograd/{path.name}: class {node.name} has {size} lines"


def test_context_variables_hold_modes_only() -> None:
    """A ContextVar for the mode in force (no_grad, detect_anomaly), and for what to restore on
    leaving it; never one that passes a parameter to a function."""
    holders = {p.stem for p in modules() if "ContextVar(" in p.read_text(encoding="utf-8")}
    assert holders <= {"core", "modes"}, holders


def test_generated_source_is_compiled_in_one_module() -> None:
    compiling = {p.stem for p in modules()
                 if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                        and n.func.id in ("exec", "eval", "compile")
                        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))}
    assert compiling == {"codegen"}, compiling
