"""Boundaries between rooms: the domain never imports Streamlit, every page is routed."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_package_never_imports_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "pax").rglob("*.py")
        if {"streamlit", "streamlit_folium", "ui"} & _imports(p)
    ]
    assert offenders == []


def test_every_page_file_is_registered_in_the_navigation():
    from ui.navigation import PAGES

    registered = {file for file, *_ in PAGES}
    assert "PAGES" in (ROOT / "dashboard.py").read_text(encoding="utf-8")
    files = {p.name for p in (ROOT / "app_pages").glob("*.py")}
    assert files, "no page files found"
    assert files == registered


def test_pages_never_write_sql_or_open_files():
    for page in (ROOT / "app_pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert "duckdb" not in text and "SELECT " not in text, page.name
        assert "open(" not in text and "read_csv" not in text and "read_text" not in text, page.name


def test_only_ui_cached_uses_streamlit_caches():
    users = [
        p.relative_to(ROOT).as_posix()
        for p in list((ROOT / "ui").glob("*.py")) + list((ROOT / "app_pages").glob("*.py"))
        if "st.cache_" in p.read_text(encoding="utf-8")
    ]
    assert users == ["ui/cached.py"]


def test_only_components_calls_st_folium():
    users = [
        p.relative_to(ROOT).as_posix()
        for p in list((ROOT / "ui").glob("*.py")) + list((ROOT / "app_pages").glob("*.py"))
        if "st_folium(" in p.read_text(encoding="utf-8")
    ]
    assert users == ["ui/components.py"]


def test_ui_cached_is_a_thin_cache_over_pax():
    """Every function of ui/cached.py is one statement (after its docstring): a cache of one
    call into `pax`, never a rule of what may be shown (those live in `pax.published`).
    Only the decorator `_localized` and `clear` (two cache clears) have more."""
    tree = ast.parse((ROOT / "ui" / "cached.py").read_text(encoding="utf-8"))
    thick = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name in {"_localized", "clear"}:
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        if len(body) != 1 or any(isinstance(n, (ast.For, ast.While, ast.If)) for n in body):
            thick.append(node.name)
    assert thick == [], f"ui/cached.py functions doing more than one call: {thick}"
    called = {
        n.func.value.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
    }
    assert not called & {"pd", "np", "shapely", "stats"}, "domain work belongs in pax"


def _ingest_imports(path: Path, modules: set[str]) -> set[str]:
    """The `pax.ingest` modules a module imports anywhere: at the top, inside functions and
    under `if TYPE_CHECKING:` (a cycle there still ties the two modules together)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x`, `from .x import y`
                base = ".".join(["pax", "ingest", *filter(None, [base])])
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            if parts[:2] == ["pax", "ingest"] and len(parts) > 2 and parts[2] in modules:
                found.add(parts[2])
    return found - {path.stem}


def test_pax_ingest_has_no_import_cycle():
    """No module of `pax.ingest` imports, however indirectly, a module that imports it:
    shared pieces (the readers' `Context`, `Collected`, …) live in `core`, which imports
    no other module of the package."""
    folder = ROOT / "pax" / "ingest"
    modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    graph = {m: _ingest_imports(folder / f"{m}.py", modules) for m in sorted(modules)}
    assert graph["core"] == set(), f"pax.ingest.core imports {sorted(graph['core'])}"
    cycles = []

    def visit(module: str, path: list[str], done: set[str]) -> None:
        if module in path:
            cycles.append(" → ".join([*path[path.index(module) :], module]))
            return
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module], done)
        done.add(module)

    done: set[str] = set()
    for module in graph:
        visit(module, [], done)
    assert cycles == [], f"import cycles in pax.ingest: {cycles}"
