"""The floors of the building: every import goes down, none goes round, all sit at the top.

The product's modules are read with `ast` (nothing is imported), and three
rules are checked:

- FLOOR: a module imports its own package or a package on a lower floor of
  `FLOORS`, never a higher floor and never a sibling on its own floor.
- CIRCLE: the import graph (every first-party import: at module level, of a
  submodule through `from package import module`, and inside functions) has
  no circle.
- INNER: no first-party import sits inside a function, except in
  `AppConfig.ready()` of an `apps.py` (where Django says signals and
  registrations go). A third-party import inside a function is allowed only
  for a heavy library loaded lazily, with a comment on its line or the line
  above that says "lazy" or "lazily" (one comment covers the imports
  directly below it).

The same functions run on a small made-up package tree, so the checker is
seen to fail when it should.
"""

from __future__ import annotations

import ast
import io
import tokenize
import tomllib
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The floors, bottom up (docs/architecture.md says the same in words). A module may
# import its own package and any package on a lower floor; packages on one floor are
# siblings and import neither each other nor anything above.
FLOORS: dict[str, int] = {
    "lib": 0,  # the ground floor: helpers that import no app of ours
    "units": 1,  # the organisation, people, roles, and the access convention
    "messaging": 1,  # chat channels and deliveries (Apprise); notifications below every app
    "change_areas": 2,  # the ZI evaluation: catalogs, cycles, answers, scoring
    "service_standards": 2,  # public service: standards, maklumat, SKM
    "declarations": 3,  # pencanangan documents; may name a change_areas framework
    "integrations": 3,  # SSO, the REST API and tokens, calendar feeds: read floor 2 apps
    "zi_tracker": 4,  # the roof: settings, urls, home and dashboards read every app
    "benchmarks": 5,  # measures the whole building; nothing imports it
}
# The test suite is no floor of the product; only the benchmarks borrow its factories.
MAY_IMPORT_TESTS = frozenset({"benchmarks"})

FLOOR, CIRCLE, INNER = "floor", "circle", "inner import"


@dataclass(frozen=True)
class Import:
    source: str  # the importing file, relative to the root
    line: int
    end_line: int
    target: str  # the module imported (`from a import b` names a.b when b is a module)
    first_party: bool
    function: str | None  # "Class.method" around the import; None at module level
    runs: bool  # False under `if TYPE_CHECKING:`
    lazy_comment: bool  # a comment on its line or the line above says "lazy"/"lazily"
    in_ready: bool  # inside AppConfig.ready() of an apps.py


@dataclass(frozen=True)
class Offence:
    check: str
    files: tuple[str, ...]  # the importing file first
    message: str


def _module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def file_of(root: Path, module: str) -> str | None:
    """The file that is `module` (relative to the root), or None when it is no module of ours."""
    path = root.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate.relative_to(root).as_posix()
    return None


def product_files(root: Path, packages) -> list[Path]:
    """Every Python file of the packages, relative to the root, migrations left out."""
    return [
        path.relative_to(root)
        for package in sorted(packages)
        for path in sorted((root / package).rglob("*.py"))
        if "migrations" not in path.relative_to(root).parts
    ]


def _comments(source: str) -> dict[int, str]:
    return {
        token.start[0]: token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_app_config(node: ast.AST) -> bool:
    return isinstance(node, ast.ClassDef) and any(
        (isinstance(base, ast.Name) and base.id == "AppConfig")
        or (isinstance(base, ast.Attribute) and base.attr == "AppConfig")
        for base in node.bases
    )


def _targets(root: Path, node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        parts = package.split(".")
        base = ".".join([*parts[: len(parts) - node.level + 1], node.module or ""]).strip(".")
    else:
        base = node.module or ""
    targets: list[str] = []
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        target = submodule if alias.name != "*" and file_of(root, submodule) else base
        if target not in targets:
            targets.append(target)
    return targets


def imports_of(root: Path, relative: Path, first_party) -> list[Import]:
    """Every import statement in one file, with where it sits."""
    source = (root / relative).read_text(encoding="utf-8")
    comments: dict[int, str] | None = None  # read only for files with imports in functions
    module = _module_name(relative)
    package = module if relative.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def says_lazy(line: int) -> bool:
        nonlocal comments
        if comments is None:
            comments = _comments(source)
        return any(word in comments.get(line, "").lower() for word in ("lazy", "lazily"))

    def visit(node: ast.AST, scope: tuple[ast.AST, ...], runs: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                functions = [
                    s for s in scope if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                names = [
                    s.name
                    for s in scope
                    if isinstance(s, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                in_ready = (
                    relative.name == "apps.py"
                    and len(scope) >= 2
                    and _is_app_config(scope[-2])
                    and isinstance(scope[-1], ast.FunctionDef)
                    and scope[-1].name == "ready"
                )
                for target in _targets(root, child, package):
                    found.append(
                        Import(
                            source=relative.as_posix(),
                            line=child.lineno,
                            end_line=child.end_lineno or child.lineno,
                            target=target,
                            first_party=target.split(".")[0] in first_party,
                            function=".".join(names) if functions else None,
                            runs=runs,
                            lazy_comment=bool(functions)
                            and (says_lazy(child.lineno) or says_lazy(child.lineno - 1)),
                            in_ready=in_ready,
                        )
                    )
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    visit(ast.Module(body=[statement], type_ignores=[]), scope, False)
                for statement in child.orelse:
                    visit(ast.Module(body=[statement], type_ignores=[]), scope, runs)
            elif isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, (*scope, child), runs)
            elif isinstance(child, ast.stmt | ast.ExceptHandler | ast.match_case):
                visit(child, scope, runs)  # expressions hold no import statement

    visit(ast.parse(source, filename=str(relative)), (), True)
    return found


def survey(root: Path, floors: dict[str, int]) -> list[Import]:
    """Every import in every product file under `root` (the packages of `floors`)."""
    first_party = {*floors, "tests"}
    return [
        found
        for relative in product_files(root, floors)
        for found in imports_of(root, relative, first_party)
    ]


def floor_offences(
    root: Path,
    imports: list[Import],
    floors: dict[str, int],
    *,
    may_import_tests=MAY_IMPORT_TESTS,
) -> list[Offence]:
    offences = []
    for found in imports:
        source_package, target_package = found.source.split("/")[0], found.target.split(".")[0]
        if not found.first_party or source_package == target_package:
            continue
        target_file = file_of(root, found.target) or found.target
        where = f"{found.source}:{found.line} imports {found.target} ({target_file})"
        if target_package not in floors:
            if source_package not in may_import_tests:
                why = "the test suite is no part of the product"
                offences.append(Offence(FLOOR, (found.source, target_file), f"{where}: {why}"))
            continue
        mine, theirs = floors[source_package], floors[target_package]
        if theirs > mine:
            why = f"{target_package} is on floor {theirs}, above {source_package} on floor {mine}"
        elif theirs == mine:
            why = f"{target_package} is a sibling of {source_package} on floor {mine}"
        else:
            continue
        offences.append(Offence(FLOOR, (found.source, target_file), f"{where}: {why}"))
    return offences


def _graph(root: Path, imports: list[Import]) -> dict[str, dict[str, int]]:
    """file -> {imported file: line of the import}, first-party imports that run."""
    graph: dict[str, dict[str, int]] = {}
    for found in imports:
        if not (found.first_party and found.runs):
            continue
        target = file_of(root, found.target)
        if target and target != found.source:
            graph.setdefault(found.source, {}).setdefault(target, found.line)
    return graph


def _shortest_circle(graph: dict[str, dict[str, int]], start: str) -> list[str] | None:
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph.get(node, {})):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return None


def circle_offences(root: Path, imports: list[Import]) -> list[Offence]:
    """Each circle once (the shortest through each file that is on one), as its files."""
    graph = _graph(root, imports)
    seen: set[tuple[str, ...]] = set()
    offences = []
    for start in sorted(graph):
        circle = _shortest_circle(graph, start)
        if circle is None:
            continue
        turn = circle.index(min(circle))
        circle = circle[turn:] + circle[:turn]
        if tuple(circle) in seen:
            continue
        seen.add(tuple(circle))
        steps = [
            f"{here}:{graph[here][there]} -> {there}"
            for here, there in zip(circle, [*circle[1:], circle[0]], strict=True)
        ]
        offences.append(Offence(CIRCLE, tuple(circle), "circle: " + ", ".join(steps)))
    return offences


def inner_import_offences(imports: list[Import]) -> list[Offence]:
    offences = []
    excused: set[tuple[str, int]] = set()  # (file, last line) of lazy third-party imports
    for found in sorted(imports, key=lambda found: (found.source, found.line)):
        if found.function is None or found.in_ready:
            continue
        if not found.first_party and (
            found.lazy_comment or (found.source, found.line - 1) in excused
        ):
            excused.add((found.source, found.end_line))
            continue
        fix = (
            "ours, so at the top of the module"
            if found.first_party
            else "at the top, or a comment saying why it is loaded lazily"
        )
        where = f"{found.source}:{found.line} imports {found.target} inside {found.function}()"
        offences.append(Offence(INNER, (found.source,), f"{where}: {fix}"))
    return offences


def _report(offences: list[Offence]) -> str:
    return "\n".join(offence.message for offence in offences)


# --- the product ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def product_imports() -> list[Import]:
    return survey(ROOT, FLOORS)


def test_every_product_package_has_a_floor():
    with (ROOT / "pyproject.toml").open("rb") as handle:
        include = tomllib.load(handle)["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {pattern.rstrip("*") for pattern in include} == set(FLOORS)


def test_every_import_goes_down_a_floor(product_imports):
    offences = floor_offences(ROOT, product_imports, FLOORS)
    assert not offences, "\n" + _report(offences)


def test_the_imports_make_no_circle(product_imports):
    offences = circle_offences(ROOT, product_imports)
    assert not offences, "\n" + _report(offences)


def test_no_import_inside_a_function(product_imports):
    offences = inner_import_offences(product_imports)
    assert not offences, "\n" + _report(offences)


# --- the checker itself, on a made-up building -----------------------------------------

SYNTHETIC_FLOORS = {"base": 0, "left": 1, "right": 1, "top": 2}
SYNTHETIC_FILES = {
    "base/__init__.py": "",
    # Upward: the ground floor reaches for the roof.
    "base/tools.py": "from top.page import show\n",
    "left/__init__.py": "",
    # A circle inside one package: models -> texts -> models.
    "left/models.py": "from left import texts\n",
    "left/texts.py": "from .models import Kind\n",
    # A sibling import, and an import inside a function.
    "left/services.py": (
        "from right import api\n"
        "\n"
        "def go():\n"
        "    from left.models import Kind\n"
        "    import json\n"
        "    return Kind, json\n"
    ),
    "left/signing.py": (
        "def sign():\n"
        "    # pyhanko is heavy: loaded lazily, only when a document is signed\n"
        "    import pyhanko\n"
        "    import pyhanko.sign\n"
        "    return pyhanko\n"
    ),
    "left/apps.py": (
        "from django.apps import AppConfig\n"
        "\n"
        "class LeftConfig(AppConfig):\n"
        "    def ready(self):\n"
        "        from left import models\n"
    ),
    "left/migrations/__init__.py": "",
    "left/migrations/0001_initial.py": "from top import page\n",
    "right/__init__.py": "",
    # Upward, but only for the type checker: a floor offence, never part of a circle.
    "right/api.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from top import page\n",
    "right/demo.py": "from tests.factories import UnitFactory\n",
    "top/__init__.py": "",
    "top/page.py": "from base.tools import helper\nfrom left import models\nfrom right import api\n",
    "tests/__init__.py": "",
    "tests/factories.py": "",
}


def _build(tmp_path: Path) -> Path:
    for name, text in SYNTHETIC_FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_checker_reports_upward_and_sibling_imports(tmp_path):
    root = _build(tmp_path)
    offences = floor_offences(root, survey(root, SYNTHETIC_FLOORS), SYNTHETIC_FLOORS)

    assert _report(offences).splitlines() == [
        "base/tools.py:1 imports top.page (top/page.py): top is on floor 2, above base on floor 0",
        "left/services.py:1 imports right.api (right/api.py): right is a sibling of left on floor 1",
        "right/api.py:4 imports top.page (top/page.py): top is on floor 2, above right on floor 1",
        "right/demo.py:1 imports tests.factories (tests/factories.py): the test suite is no part "
        "of the product",
    ]


def test_the_checker_reports_each_circle_as_its_files(tmp_path):
    root = _build(tmp_path)
    offences = circle_offences(root, survey(root, SYNTHETIC_FLOORS))

    assert sorted(offence.files for offence in offences) == [
        ("base/tools.py", "top/page.py"),
        ("left/models.py", "left/texts.py"),
    ]
    assert "left/models.py:1 -> left/texts.py, left/texts.py:1 -> left/models.py" in _report(
        offences
    )


def test_the_checker_reports_imports_inside_functions(tmp_path):
    root = _build(tmp_path)
    offences = inner_import_offences(survey(root, SYNTHETIC_FLOORS))

    # ready() may import; pyhanko under its lazy comment may; the rest may not.
    assert _report(offences).splitlines() == [
        "left/services.py:4 imports left.models inside go(): ours, so at the top of the module",
        "left/services.py:5 imports json inside go(): at the top, or a comment saying why it is "
        "loaded lazily",
    ]
