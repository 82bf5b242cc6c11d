"""Data migrations are frozen: they carry the values and logic they need and read no live code,
so that changing the apps later never changes what an old migration does."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = {"portal", "ideas", "partners", "triage"}
MIGRATIONS = sorted(path for path in ROOT.glob("**/migrations/0*.py") if ".venv" not in path.parts)


def imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def runs_python(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr == "RunPython" for node in ast.walk(tree)
    )


@pytest.mark.parametrize(
    "path",
    [p for p in MIGRATIONS if runs_python(ast.parse(p.read_text()))],
    ids=lambda path: f"{path.parent.parent.name}/{path.stem}",
)
def test_a_data_migration_imports_nothing_from_the_apps(path):
    tree = ast.parse(path.read_text())
    from_apps = sorted(
        module for module in imported_modules(tree) if module.split(".")[0] in PROJECT_PACKAGES
    )
    assert from_apps == []


def test_the_migrations_were_found():
    assert len(MIGRATIONS) > 10
