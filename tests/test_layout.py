"""The package's folders show its architecture: subpackages by concern, no import cycle, modules
small enough to read in one sitting, a front door that stays fast."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import cenlab

PACKAGE = Path(cenlab.__file__).parent
SUBPACKAGES = [
    "synth",
    "quality",
    "risk",
    "transfer",
    "files",
    "ui",
    "course",
    "course/grading",
    "cli",
    "reference",
]
MAX_LINES = 400  # data tables in reference/ may be longer


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def module_level_imports(path: Path, known: dict[str, Path]) -> set[str]:
    """cenlab modules imported at the top of ``path`` (imports inside functions are deliberate,
    lazy ones)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cenlab"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cenlab")}
    return found


def test_no_import_cycle_between_modules():
    known = modules()
    graph = {m: module_level_imports(p, known) & set(known) for m, p in known.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(m, trail):
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append(" -> ".join(trail[trail.index(n) :] + [n]))
            elif n not in state:
                visit(n, trail + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_a_cycle_is_found_when_there_is_one(tmp_path):
    """The checker above is not blind: two modules importing each other are a cycle."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("from cenlab.b import x\n")
    b.write_text("from cenlab.a import y\n")
    known = {"cenlab.a": a, "cenlab.b": b}
    assert module_level_imports(a, known) == {"cenlab.b"}
    assert module_level_imports(b, known) == {"cenlab.a"}


def test_no_module_is_over_400_lines_outside_the_data_tables():
    long = {
        name: n
        for name, path in modules().items()
        if ".reference" not in name
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize("sub", SUBPACKAGES)
def test_every_subpackage_says_what_it_is_for(sub):
    init = PACKAGE / sub / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc) > 40, f"cenlab/{sub}/__init__.py needs a docstring"


def test_at_most_a_few_loose_modules_at_the_top():
    loose = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert loose == ["analysis", "schema", "seeding"]


def test_the_front_door_is_lazy_and_complete():
    code = (
        "import sys, cenlab\n"
        "heavy = [m for m in ('pandas', 'numpy', 'nbgrader', 'faker') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
        "from cenlab import make_seizures, make_passengers, make_consignments, inject_defects, "
        "validate, transfer\n"
        "print(callable(transfer), transfer.build_submission.__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["", "True cenlab.transfer.submission"]


def test_an_unknown_name_is_an_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="module 'cenlab.synth' has no attribute 'make_ufo'"):
        import cenlab.synth

        cenlab.synth.make_ufo  # noqa: B018


@pytest.mark.parametrize("sub", [s for s in SUBPACKAGES if s not in ("reference", "cli")])
def test_every_name_a_subpackage_exports_resolves(sub):
    """Subpackages import their modules lazily: each name they list must exist."""
    import importlib

    package = importlib.import_module("cenlab." + sub.replace("/", "."))
    missing = [n for n in package.__all__ if not hasattr(package, n)]
    assert missing == []
    assert sorted(dir(package)) == sorted(package.__all__)
