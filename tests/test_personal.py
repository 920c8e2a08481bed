"""Personalised assignments: every trainee works on data of their own, so answers cannot be
passed along a row of desks.

A trainee's data are a pure function of (course secret, assignment, trainee id); the grader
rebuilds them for both kernels, so a submission's data files never count; the model answers
score full marks and the committed wrong submissions still lose on many trainees' data; and a
notebook whose answers are another trainee's values loses every point those values decide.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from cenlab import cli, course
from cenlab.course import cohort, grading, personal
from cenlab.course.grading.plan import assigned_names, is_test, read_names
from cenlab.course.paths import TIMESTAMP, CoursePaths
from cenlab.course.variants import check_variants, trainee_ids

REPO = Path(__file__).resolve().parent.parent
COURSES = REPO / "courses"
ASSIGNMENTS = course.find_assignments(COURSES)
IDS = [f"{c.name}/{a}" for c, a in ASSIGNMENTS]
SECRET = b"a course secret for the tests, thirty-two characters or more"
# sha256 (first 16 hex digits) of trainee-001's files under SECRET: the same on every machine.
GOLDEN: dict[str, dict[str, str]] = {
    "cen-coordination/01-how-much-reaches-cen": {
        "countries.csv": "aa510fecc68abc5f",
        "monthly.csv": "15edd6fbbdff948f",
        "seizures.csv": "faaadb703c9fe908",
    },
    "cen-coordination/02-did-automation-help": {
        "countries.csv": "254baa68991808cc",
        "monthly.csv": "c8ed2a28c0c9bf87",
        "truth.csv": "7c40fa8cd42c3e6a",
    },
    "data-quality/01-the-cen-record": {"seizures.csv": "1c5d717c6c972c2e"},
    "data-quality/02-finding-and-fixing-errors": {"received.csv": "738814b2c4a12ba9"},
    "data-quality/03-sharing-with-cen": {
        "companies.csv": "54b4116ba873a898",
        "conveyances.csv": "2960deba700a59d2",
        "persons.csv": "2ef6b60de086ecef",
        "seizures.csv": "8ca1b8e5b5a4be2b",
    },
    "risk-profiling/01-indicators-and-profiles": {"passengers.csv": "26c5d640a5cc264c"},
    "risk-profiling/02-evaluating-and-adapting": {"passengers.csv": "7655cbecd849af98"},
    "risk-profiling/03-cargo-targeting": {"consignments.csv": "f9a3d70e2e2c335d"},
    "seizure-analysis/01-exploring-seizures": {"seizures.csv": "a89a848a031fdfd9"},
    "seizure-analysis/02-visualising-and-dashboards": {"seizures.csv": "4bf70b178175b801"},
}


def _stamp_digests(folder: Path) -> dict[str, str]:
    return personal.read_stamp(folder)["files"]


def test_every_assignment_is_personalised():
    assert [f"{c.name}/{a}" for c, a in ASSIGNMENTS if not personal.is_personal(c, a)] == []


def test_a_variant_is_a_keyed_hash_of_assignment_and_trainee():
    v = personal.variant(SECRET, "01-exploring-seizures", "amina")
    assert v == personal.variant(SECRET, "01-exploring-seizures", "amina")
    assert v == 1_586_340_246  # the same on every machine
    assert v != personal.variant(SECRET, "01-exploring-seizures", "amin")
    assert v != personal.variant(SECRET, "02-visualising-and-dashboards", "amina")
    assert v != personal.variant(SECRET[:-1] + b"!", "01-exploring-seizures", "amina")
    with pytest.raises(ValueError, match="a trainee id must be a non-empty text"):
        personal.variant(SECRET, "01-exploring-seizures", "")


def test_the_secret_is_made_once_and_readable_by_its_owner_only(tmp_path):
    first = personal.course_secret(tmp_path)
    assert personal.course_secret(tmp_path) == first and len(first) == 64
    assert stat.S_IMODE((tmp_path / ".cenlab-secret").stat().st_mode) == 0o600
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(ValueError, match=r"the course has no secret \(\.cenlab-secret\)"):
        personal.course_secret(other, create=False)
    (other / ".cenlab-secret").write_text("short\n")
    with pytest.raises(ValueError, match="too short: 32 characters or more"):
        personal.course_secret(other)


@pytest.mark.parametrize("course_dir, assignment", ASSIGNMENTS, ids=IDS)
def test_two_trainees_data_differ_and_each_is_the_same_on_every_run(
    course_dir, assignment, tmp_path
):
    files = personal.build_for(course_dir, assignment, "trainee-001", tmp_path / "a", secret=SECRET)
    personal.build_for(course_dir, assignment, "trainee-001", tmp_path / "again", secret=SECRET)
    personal.build_for(course_dir, assignment, "trainee-002", tmp_path / "b", secret=SECRET)
    mine, again, theirs = (_stamp_digests(tmp_path / k) for k in ("a", "again", "b"))
    assert mine == again == {p.name: personal.digest(p) for p in files}
    assert {k: v[:16] for k, v in mine.items()} == GOLDEN[f"{course_dir.name}/{assignment}"]
    committed = CoursePaths(course_dir).source(assignment)
    for name in mine:
        assert mine[name] != theirs[name], f"{name} is the same for two trainees"
        assert mine[name] != personal.digest(committed / name), f"{name} is the course's own"
    stamp = personal.read_stamp(tmp_path / "a")
    assert (stamp["course"], stamp["assignment"], stamp["trainee"]) == (
        course_dir.name,
        assignment,
        "trainee-001",
    )


def _variant_check(pair) -> list[str]:
    course_dir, assignment = pair
    failures = check_variants(course_dir, assignment, trainee_ids(50), wrong_for=1)
    return [f"{course_dir.name}/{assignment}: {f.line()}" for f in failures]


def test_the_model_answers_score_full_marks_on_50_trainees_of_every_assignment():
    """The source notebook (model answers, every test, hidden ones included) passes on 50
    trainees' data in every assignment, and each committed wrong submission still loses what
    it must on the first of them (``cenlab course check --trainees 50`` runs it on all 50)."""
    with ProcessPoolExecutor(2) as pool:
        failures = [line for lines in pool.map(_variant_check, ASSIGNMENTS) for line in lines]
    assert failures == []


# --- grading: copied answers, edited data ------------------------------------------------

CAPTURE = """
def _plain(v, depth=0):
    import numpy as np, pandas as pd
    kinds = (bool, int, float, complex, str, bytes, type(None), np.generic, np.ndarray,
             pd.DataFrame, pd.Series, pd.Index, pd.Timestamp, pd.Timedelta, pd.Period)
    if isinstance(v, kinds):
        return not (isinstance(v, np.ndarray) and v.dtype == object)
    if isinstance(v, (list, tuple, set, frozenset)) and depth < 5:
        return all(_plain(x, depth + 1) for x in v)
    if isinstance(v, dict) and depth < 5:
        return all(_plain(k, depth + 1) and _plain(x, depth + 1) for k, x in v.items())
    return False
import pickle as _pickle
_CAPTURED[{grade_id!r}] = {{
    n: _pickle.dumps(globals()[n]) for n in {names!r} if n in globals() and _plain(globals()[n])
}}
"""
LOADER = (
    "import pickle as _pickle\n"
    "with open('copied-answers.pkl', 'rb') as _f:\n"
    "    _answers = {{k: _pickle.loads(v) for k, v in _pickle.load(_f)[{grade_id!r}].items()}}\n"
    "globals().update(_answers)"
)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _strip(source: str) -> str:
    return "\n".join(ln for ln in source.splitlines() if "### " not in ln or "SOLUTION" not in ln)


def _answer_values(course_dir: Path, assignment: str, folder: Path) -> dict[str, dict]:
    """grade id -> {name: pickled value} of every answer cell of the source notebook, run on
    the data in ``folder`` (values that are plain data only)."""
    (path,) = CoursePaths(course_dir).source(assignment).glob("*.ipynb")
    nb = nbformat.read(str(path), 4)
    cells = [new_code_cell("_CAPTURED = {}")]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cells.append(cell)
        if _meta(cell).get("solution"):
            names = sorted(assigned_names(_strip(cell.source)))
            cells.append(
                new_code_cell(CAPTURE.format(grade_id=_meta(cell)["grade_id"], names=names))
            )
    out = folder / "captured.pkl"
    cells.append(
        new_code_cell(
            f"import pickle\nwith open({str(out)!r}, 'wb') as f:\n    pickle.dump(_CAPTURED, f)"
        )
    )
    nb.cells = cells
    env = {**os.environ, "MPLBACKEND": "agg"}
    NotebookClient(nb, timeout=180, resources={"metadata": {"path": str(folder)}}).execute(env=env)
    captured = pickle.loads(out.read_bytes())
    out.unlink()
    return captured


def _same(x, y) -> bool:
    x, y = pickle.loads(x), pickle.loads(y)
    if type(x) is not type(y):
        return False
    if isinstance(x, (pd.DataFrame, pd.Series, pd.Index)):
        return x.equals(y)
    if isinstance(x, np.ndarray):
        return x.shape == y.shape and bool(np.array_equal(x, y))
    try:
        return bool(x == y)
    except (TypeError, ValueError):
        return pickle.dumps(x) == pickle.dumps(y)


def _copied_notebook(release: Path, source: Path, captured: dict, copied: set | None = None):
    """The release notebook with every answer cell made of the captured values (another
    trainee's answers, copied as values), or of the model code where a value is not data;
    the names copied as values are added to ``copied``."""
    nb = nbformat.read(str(release), 4)
    model = {_meta(c).get("grade_id"): c.source for c in nbformat.read(str(source), 4).cells}
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        names = assigned_names(_strip(model[meta["grade_id"]]))
        values = captured.get(meta["grade_id"], {})
        if names and names <= set(values):
            cell.source = LOADER.format(grade_id=meta["grade_id"])
            if copied is not None:
                copied |= names
        else:
            cell.source = _strip(model[meta["grade_id"]])
    return nb


def _scores(course_dir: Path, assignment: str) -> dict[str, dict[str, tuple[float, float]]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(CoursePaths(course_dir).db_url, course.course_id(course_dir)) as gb:
        for sub in gb.find_assignment(assignment).submissions:
            out[sub.student.id] = {
                g.name: (g.auto_score, g.max_score)
                for nb in sub.notebooks
                for g in nb.grades
                if g.cell_type == "code"  # the autograded tests
            }
    return out


def _file(scratch: CoursePaths, student: str, assignment: str, nb, extra: dict) -> Path:
    dest = scratch.submitted(student, assignment)
    dest.mkdir(parents=True)
    for name, data in extra.items():
        (dest / name).write_bytes(data)
    nbformat.write(nb, str(dest / NB_NAME[assignment]))
    (dest / TIMESTAMP).write_text("2026-05-09 15:00:00.000000 UTC")
    return dest


NB_NAME = {a: next((c / "source" / a).glob("*.ipynb")).name for c, a in ASSIGNMENTS}


def _scratch_course(tmp: Path, course_dir: Path, assignment: str) -> CoursePaths:
    scratch = CoursePaths(tmp / course_dir.name)
    scratch.root.mkdir()
    own = CoursePaths(course_dir)
    for f in (own.config, own.data_builder):
        shutil.copy(f, scratch.root / f.name)
    scratch.secret.write_bytes(SECRET + b"\n")
    shutil.copytree(own.source(assignment), scratch.source(assignment))
    course.build(scratch.root)
    return scratch


# One assignment of each course (grading is the slow part): counts and shares, damaged data,
# a model trained on the past, a panel of countries.
COPIED = [
    (COURSES / "seizure-analysis", "01-exploring-seizures"),
    (COURSES / "data-quality", "02-finding-and-fixing-errors"),
    (COURSES / "risk-profiling", "02-evaluating-and-adapting"),
    (COURSES / "cen-coordination", "01-how-much-reaches-cen"),
]


@pytest.mark.parametrize("course_dir, assignment", COPIED, ids=[p[0].name for p in COPIED])
def test_answers_copied_from_another_trainee_lose_every_point_the_data_decide(
    course_dir, assignment, tmp_path
):
    """Amina's answers, as values, score full marks filed as hers and nothing, filed by Bruno
    with her data files too, on every test whose answers differ between their data. Chen's
    own answers with his data file edited score full marks: the file never counts."""
    scratch = _scratch_course(tmp_path, course_dir, assignment)
    values = {}
    for trainee in ("amina", "bruno"):
        folder = tmp_path / trainee
        shutil.copytree(
            scratch.source(assignment), folder, ignore=shutil.ignore_patterns("*.ipynb")
        )
        personal.build_for(scratch.root, assignment, trainee, folder)
        values[trainee] = _answer_values(scratch.root, assignment, folder)
    release = scratch.release(assignment) / NB_NAME[assignment]
    source = scratch.source(assignment) / NB_NAME[assignment]
    as_values: set[str] = set()
    copied = _copied_notebook(release, source, values["amina"], as_values)
    hers = {p.name: p.read_bytes() for p in (tmp_path / "amina").iterdir()}
    hers["copied-answers.pkl"] = pickle.dumps(values["amina"])
    for student in ("amina", "bruno"):
        _file(scratch, student, assignment, copied, hers)
    own = _copied_notebook(release, source, {})  # the model code: his own work
    chen = tmp_path / "chen"
    data = personal.build_for(scratch.root, assignment, "chen", chen)
    edited = {p.name: p.read_bytes()[: len(p.read_bytes()) // 3] for p in data}  # rows cut
    _file(scratch, "chen", assignment, own, edited)
    grading.grade(scratch.root, assignment, jobs=2, progress=False)
    scores = _scores(scratch.root, assignment)

    assert {k: s for k, (s, m) in scores["amina"].items() if s < m} == {}
    assert {k: s for k, (s, m) in scores["chen"].items() if s < m} == {}
    for student in ("amina", "chen"):  # the grader's data are theirs: my_data says nothing
        graded = scratch.autograded(student, assignment) / NB_NAME[assignment]
        first = next(c for c in nbformat.read(str(graded), 4).cells if c.cell_type == "code")
        assert "my_data(" in first.source
        printed = "".join(o.get("text", "") for o in first.outputs)
        assert "Changed or missing" not in printed and "DataError" not in printed, printed
        assert [o for o in first.outputs if o.get("output_type") == "error"] == []
    (path,) = scratch.source(assignment).glob("*.ipynb")
    answers = {n for c in nbformat.read(str(path), 4).cells if _meta(c).get("solution")
               for n in assigned_names(_strip(c.source))}  # fmt: skip
    decided = []
    for cell in nbformat.read(str(path), 4).cells:
        if not is_test(cell) or _meta(cell).get("grade_id") not in scores["bruno"]:
            continue
        names = set(read_names(cell.source)) & answers & as_values
        a = {k: v for g in values["amina"].values() for k, v in g.items() if k in names}
        b = {k: v for g in values["bruno"].values() for k, v in g.items() if k in names}
        if any(k in b and not _same(v, b[k]) for k, v in a.items()):
            decided.append(_meta(cell)["grade_id"])
    kept = {g: scores["bruno"][g][0] for g in decided if scores["bruno"][g][0] > 0}
    assert kept == {}, (kept, decided)
    # Most points depend on the data: a copied notebook is worth little.
    total = sum(m for _, m in scores["bruno"].values())
    assert sum(scores["bruno"][g][1] for g in decided) >= 0.5 * total


# --- the instructor's and the author's views --------------------------------------------

SEIZURES = COURSES / "seizure-analysis"
EXPLORING = "01-exploring-seizures"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the seizure-analysis course, released, with its own secret."""
    dest = tmp_path_factory.mktemp("personal") / SEIZURES.name
    shutil.copytree(SEIZURES, dest, ignore=shutil.ignore_patterns(*course.BUILT, "reports"))
    (dest / ".cenlab-secret").unlink(missing_ok=True)
    course.build(dest)
    return dest


def test_the_secret_never_reaches_a_release(built):
    secret = personal.course_secret(built).decode()
    for path in (built / "release").rglob("*"):
        assert path.name != ".cenlab-secret"
        if path.is_file():
            assert secret not in path.read_text(encoding="utf-8", errors="replace")


def test_a_simulated_cohort_works_each_on_their_own_data(built):
    kinds = cohort.simulate(built, EXPLORING, kinds=["perfect", "blank"])
    stamps = {}
    for student in kinds:
        folder = CoursePaths(built).submitted(student, EXPLORING)
        stamps[student] = personal.read_stamp(folder)
        assert stamps[student]["trainee"] == student
        for name, digest in stamps[student]["files"].items():
            assert personal.digest(folder / name) == digest
    a, b = (s["files"]["seizures.csv"] for s in stamps.values())
    assert a != b


def test_the_instructor_sees_a_trainees_data_and_model_answers(built, tmp_path, capsys):
    out = tmp_path / "amina"
    assert cli.main(["course", "trainee", str(built), EXPLORING, "--student", "amina",
                     "--out", str(out)]) == 0  # fmt: skip
    assert f"wrote {out / 'exploring-seizures-model-answers.html'}" in capsys.readouterr().out
    theirs = tmp_path / "theirs"
    personal.build_for(built, EXPLORING, "amina", theirs)
    assert _stamp_digests(out) == _stamp_digests(theirs)
    nb = nbformat.read(str(out / "exploring-seizures-model-answers.ipynb"), 4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    runs = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
    assert len(runs) == len([c for c in nb.cells if c.cell_type == "code"])


@pytest.mark.parametrize(
    "student, message",
    [
        ("../bruno", "'../bruno' is not a trainee id (letters, digits, _ . @ -)"),
        ("", "'' is not a trainee id (letters, digits, _ . @ -)"),
    ],
)
def test_a_trainee_id_that_is_not_one_is_named_in_one_line(built, student, message, capsys):
    assert cli.main(["course", "trainee", str(built), EXPLORING, "--student", student]) == 2
    assert capsys.readouterr().err == f"cenlab course: error: {message}\n"


def test_the_author_check_runs_the_model_answers_on_many_trainees(capsys):
    from cenlab.course.__main__ import main

    folder = SEIZURES / "source" / EXPLORING
    assert main(["check", "--trainees", "3", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"seizure-analysis/{EXPLORING}: full marks on 3 of 3 trainees"


@pytest.mark.parametrize("value, why", [("0", "should be 1 or more, not 0"),
                                        ("ten", "should be a whole number, not 'ten'")])  # fmt: skip
def test_a_trainee_count_that_is_not_one_is_named(value, why, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["course", "check", str(SEIZURES), "--trainees", value])
    assert stop.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"cenlab course check: error: argument --trainees: {why}"


def test_a_course_builder_is_loaded_once_and_again_when_it_changes(tmp_path):
    from cenlab.course.data import course_builder

    course = tmp_path / "course"
    course.mkdir()
    builder = course / "build_data.py"
    builder.write_text("V = 1\n")
    first = course_builder(course)
    assert course_builder(course) is first and first.V == 1
    builder.write_text("V = 22\n")  # another size: seen even within the clock's resolution
    assert course_builder(course).V == 22
    builder.unlink()
    assert course_builder(course) is None
