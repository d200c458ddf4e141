"""The package's layout shows the data flow: each stage imports only from the stages before
it and from shared leaf modules, no module imports itself back in a loop, and only the site
engine's adapter knows the engine."""

import ast
from pathlib import Path

from helpers import ROOT

from generator.pipeline import STAGES

PACKAGE = ROOT / "generator"
# The pipeline's stages in the order data flows through them (each named as its folder),
# then what drives them.
ORDER = (*(name for name, _ in STAGES), "pipeline", "mkdocs_plugin", "cli", "__main__")
# Shared leaf modules: any stage may use them; they use no stage.
LEAVES = {
    "diagnostics",
    "untrusted",
    "urls",
    "cache",
    "workers",
    "config",
    "progress",
    "__init__",
    "fingerprint",
    "encoded",
}
ENGINE_PACKAGES = ("mkdocs", "material", "properdocs")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[str]:
    """The absolute names of the modules ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
    return found


def stage_of(module: str) -> str:
    """The top-level part of ``generator`` a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_each_stage_is_a_folder_of_its_name() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert [name for name, _ in STAGES if name not in folders] == []


def test_each_stage_imports_only_earlier_stages_and_leaves() -> None:
    known = modules()
    wrong: list[str] = []
    for name, path in known.items():
        stage = stage_of(name)
        assert stage in LEAVES or stage in ORDER, f"{name}: place it among the stages"
        for target in imports(path):
            if target not in known or not target.startswith("generator"):
                continue
            other = stage_of(target)
            if other == stage or other in LEAVES:
                continue
            if stage in LEAVES or ORDER.index(other) > ORDER.index(stage):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_module_imports_itself_back() -> None:
    known = modules()
    graph = {
        name: {t for t in imports(path) if t in known and t != name} for name, path in known.items()
    }
    # A package's __init__ only hands on names of its own modules.
    for name in graph:
        if known[name].name == "__init__.py":
            graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    state: dict[str, int] = {}
    loops: list[str] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                loops.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert loops == []


def test_only_the_adapter_imports_the_site_engine() -> None:
    wrong = [
        f"{name} imports {target}"
        for name, path in modules().items()
        if stage_of(name) != "mkdocs_plugin"
        for target in imports(path)
        if target.split(".")[0] in ENGINE_PACKAGES
    ]
    assert wrong == []
