"""The layering: the engine (`workflows/`), search (`search/`) and the project's plumbing (`core/`, `config/`)
import no subject app; the engine and the plumbing do not even name a subject in their code. Each subject app
registers what it adds (its subject adapter, its service-task handlers, its search projection) in
`AppConfig.ready`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUBJECT_APPS = ("cases", "consultation")
SUBJECT_WORDS = ("petition", "consultation")


def _sources(package: str) -> list[Path]:
    return [path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]


def _imported_apps(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _names_in_code(path: Path) -> list[str]:
    """Identifiers and string literals of a module, its docstrings and comments left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.append(node.id)
        elif isinstance(node, ast.Attribute):
            found.append(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.alias):
            found.append(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            found.append(node.arg)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.append(node.value)
    return found


@pytest.mark.parametrize(
    "package", ["workflows", "search", "core", "deadlines", "organisation", "privacy", "notifications"]
)
def test_generic_packages_import_no_subject_app(package):
    offending = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & set(SUBJECT_APPS)) for path in _sources(package)
    }
    assert {path: apps for path, apps in offending.items() if apps} == {}


def test_config_is_configuration_only():
    assert sorted(path.name for path in (ROOT / "config").glob("*.py")) == [
        "__init__.py",
        "asgi.py",
        "settings.py",
        "urls.py",
        "wsgi.py",
    ]


@pytest.mark.parametrize("package", ["workflows", "core", "notifications"])
def test_the_engine_and_the_plumbing_name_no_subject(package):
    offending = {
        str(path.relative_to(ROOT)): sorted(
            {name for name in _names_in_code(path) if any(word in name.lower() for word in SUBJECT_WORDS)}
        )
        for path in _sources(package)
    }
    assert {path: names for path, names in offending.items() if names} == {}
