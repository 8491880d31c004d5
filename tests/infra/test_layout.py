"""The house keeps the shape ``docs/architecture.md`` describes: no module
over 500 lines (the apps', the tests' and the bench's), and no project import inside a function but a service
queueing its own Celery task and an ``AppConfig.ready`` registering hooks,
checks and receivers. (Which app may import which is ``lint-imports``'
contract in ``pyproject.toml``, run by ``make lint`` and ``.ci/run``.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "marketplace",
    "artists",
    "orders",
    "returns",
    "messaging",
    "payouts",
    "accounts",
    "staff",
    "dashboard",
    "demo",
)
MAX_LINES = 500


def modules(folders=APPS) -> list[Path]:
    return sorted(
        path
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_the_apps_have_modules_to_check():
    assert len(modules()) > 150


@pytest.mark.parametrize(
    "path",
    modules((*APPS, "tests", "bench")),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_module_is_longer_than_500_lines(path):
    lines = len(path.read_text().splitlines())

    assert lines <= MAX_LINES, f"{lines} lines: split it by actor or step"


def _project_imports_in_functions(tree: ast.AST):
    """(function name, imported module) of every import of ours that sits
    inside a function."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
                continue
            if function is not None and isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.Import):
                    names = [alias.name for alias in child.names]
                else:
                    names = ["." * child.level + (child.module or "")]
                found.extend(
                    (function, name)
                    for name in names
                    if name.startswith(".") or name.split(".")[0] in APPS
                )
            visit(child, function)

    visit(tree, None)
    return found


def _allowed(path: Path, function: str, module: str) -> bool:
    if path.name == "apps.py" and function == "ready":
        return True
    return module.rsplit(".", 1)[-1] == "tasks"


@pytest.mark.parametrize(
    "path", modules(), ids=lambda path: str(path.relative_to(ROOT))
)
def test_project_imports_sit_at_the_top_of_the_module(path):
    tree = ast.parse(path.read_text())

    hidden = [
        (function, module)
        for function, module in _project_imports_in_functions(tree)
        if not _allowed(path, function, module)
    ]

    assert hidden == []


def test_an_import_hidden_in_a_function_is_found():
    source = "def view():\n    from orders.models import Order\n    import os\n"

    found = _project_imports_in_functions(ast.parse(source))

    assert found == [("view", "orders.models")]
