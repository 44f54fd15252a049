"""The layering rules of docs/architecture.md, checked on the source (imports parsed with ast, the
function-level ones included): the PDF engine knows no model and no feature, the job runner no feature,
a service or a command never reaches for a routes module, the CLI group knows no feature, WeasyPrint is
entered only through plm/pdf, every feature plugs in through one init_app that create_app calls, and no route
or service commits: plm/transactions.py commits once per request (the allow-list below says where and why not)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb

PLM = Path(__file__).resolve().parents[1] / "plm"
#: Shared layers, not features: the PDF engine, the job runner, and folders that hold no code.
NOT_FEATURES = {"pdf", "jobs", "charts", "translations", "data"}
FEATURES = sorted(p.name for p in PLM.iterdir() if (p / "__init__.py").is_file() and p.name not in NOT_FEATURES)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PLM.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module *source* (the text of *module*) imports, absolute names, `from a import b` also as a.b."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _imports_of(folder: str | None = None, filename: str | None = None) -> dict[str, set[str]]:
    files = (PLM / folder).rglob("*.py") if folder else PLM.rglob(filename or "*.py")
    return {_module_name(f): imported_modules(f.read_text(encoding="utf-8"), _module_name(f), f.name == "__init__.py")
            for f in files}


def _touches(name: str, prefixes: list[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(imports: dict[str, set[str]], forbidden: list[str]) -> list[str]:
    return sorted(f"{module} imports {name}" for module, names in imports.items() for name in names
                  if _touches(name, forbidden))


FEATURE_PACKAGES = [f"plm.{name}" for name in FEATURES]


def test_the_feature_list_is_what_the_rules_expect():
    assert {"documents", "registration", "schedule", "checkin", "participants"} <= set(FEATURES)
    assert "pdf" not in FEATURES and "jobs" not in FEATURES


def test_pdf_engine_imports_no_model_no_database_no_feature():
    forbidden = ["plm.models", "plm.extensions", "sqlalchemy", "flask", "flask_sqlalchemy", *FEATURE_PACKAGES]
    assert violations(_imports_of("pdf"), forbidden) == []


def test_job_runner_imports_no_feature():
    assert violations(_imports_of("jobs"), FEATURE_PACKAGES) == []


def test_no_service_imports_a_routes_module():
    found = [v for v in violations(_imports_of(filename="service.py"), ["plm"]) if v.endswith(".routes")
             or ".routes." in v.split(" imports ")[1]]
    assert found == []


def test_no_command_module_imports_a_routes_module():
    """The CLI borrows from services and renderers, never from a page's code (nor its request context)."""
    found = [v for v in violations(_imports_of(filename="commands.py"), ["plm"]) if v.endswith(".routes")
             or ".routes." in v.split(" imports ")[1]]
    assert found == []


def test_the_cli_group_imports_no_feature():
    """plm/cli.py holds the `flask plm` group; the features add their commands to it in their init_app."""
    assert violations(_imports_of(filename="cli.py"), FEATURE_PACKAGES) == []
    assert "plm.cli" in _imports_of(filename="cli.py")


def _defines_source(source: str, function: str) -> bool:
    return any(isinstance(node, ast.FunctionDef) and node.name == function for node in ast.parse(source).body)


def _defines(path: Path, function: str) -> bool:
    return _defines_source(path.read_text(encoding="utf-8"), function)


def test_every_feature_package_has_one_front_door():
    """`init_app(app)` in the package's __init__.py: blueprints, links, template globals, commands, job kinds."""
    assert [f for f in FEATURES if not _defines(PLM / f / "__init__.py", "init_app")] == []


def test_create_app_calls_every_init_app():
    source = (PLM / "__init__.py").read_text(encoding="utf-8")
    called = {node.func.value.id for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "init_app"
              and isinstance(node.func.value, ast.Name)}
    assert set(FEATURES) | {"jobs", "cli"} <= called


def test_no_blueprint_plugs_itself_in():
    """No `@bp.record_once` hooks: what a feature adds to the app is all in its init_app."""
    hooks = sorted(str(f.relative_to(PLM)) for f in PLM.rglob("*.py") if ".record_once" in f.read_text(encoding="utf-8")
                   or ".record(" in f.read_text(encoding="utf-8"))
    assert hooks == []


def test_weasyprint_is_entered_only_through_plm_pdf():
    outside = {m: names for m, names in _imports_of().items() if not _touches(m, ["plm.pdf"])}
    assert violations(outside, ["weasyprint"]) == []


def test_the_checker_sees_a_violation():
    """The rules would catch it: a model import inside a function of the engine, a relative feature import."""
    engine = imported_modules("def f():\n    from ..models import Participant\n", "plm.pdf.engine")
    assert violations({"plm.pdf.engine": engine}, ["plm.models"]) == ["plm.pdf.engine imports plm.models",
                                                                   "plm.pdf.engine imports plm.models.Participant"]
    runner = imported_modules("from plm import documents\n", "plm.jobs", is_package=True)
    assert violations({"plm.jobs": runner}, ["plm.documents"]) == ["plm.jobs imports plm.documents"]
    service = imported_modules("from . import routes\n", "plm.schedule.service")
    assert "plm.schedule.routes" in service
    command = imported_modules("def f():\n    from plm.schedule.routes import schedule_pdf_bytes\n", "plm.schedule.commands")
    assert "plm.schedule.routes" in command
    assert not _defines_source("def register(app):\n    pass\n", "init_app")


#: The only `.commit()` calls in routes.py / api.py / service.py files, each with the reason it cannot wait for
#: the request's one commit (plm/transactions.py). Keyed by (file, function).
COMMIT_ALLOWED = {
    ("plm/checkin/service.py", "_log_and_answer"):
        "the door's check-in is written before the scanner gets its answer: a lost answer retried with the same "
        "client_uuid finds the stored one (exactly once), and the SQLite write lock is held only for the insert",
    ("plm/auth/service.py", "user_for_token"):
        "a door token's last use, touched at most once a minute on a write request (a scan, an undo; never on a "
        "GET): bookkeeping of the token, not the request's data; committed at once, before the scan takes the "
        "door's SQLite write lock, so it never rides on a refused request nor lengthens the scan's transaction",
    ("plm/attendance/service.py", "save_signature"):
        "committed inside the door's process-wide SQLite write lock, so a signature upload queues behind scans "
        "instead of stalling the next scan in SQLite's busy handler",
}


def commit_calls(source: str) -> list[str]:
    """The functions of *source* that call `<something>.commit()` (a nested function counts as its own)."""
    found: list[str] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name)
                continue
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr == "commit"):
                found.append(function)
            visit(child, function)

    visit(ast.parse(source), "<module>")
    return found


def test_routes_and_services_do_not_commit():
    """One commit per request, by plm/transactions.py; a service never decides when its caller's work ends."""
    found = set()
    for name in ("routes.py", "api.py", "service.py"):
        for path in PLM.rglob(name):
            relative = str(path.relative_to(PLM.parent))
            found.update((relative, function) for function in commit_calls(path.read_text(encoding="utf-8")))
    assert sorted(found - set(COMMIT_ALLOWED)) == []
    assert sorted(set(COMMIT_ALLOWED) - found) == [], "an allowed commit is gone: drop it from the list"


def test_the_commit_checker_sees_a_commit():
    source = "def save(session):\n    session.add(1)\n    session.commit()\n\ndef read(session):\n    pass\n"
    assert commit_calls(source) == ["save"]
