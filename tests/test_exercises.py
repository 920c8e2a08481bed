"""The self-paced exercises: every worked solution passes every check, and a blank exercise runs
top to bottom with each check saying "not yet" instead of crashing.

Each exercise ``exercises/<name>.ipynb`` has its worked solution in ``exercises/solutions/``;
both are executed with nbclient in their own folder, as a trainee would open them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
NOT_OURS = {"data-entry-drill.ipynb"}  # the drill has its own tests and feedback
NAMES = sorted(p.name for p in EXERCISES.glob("*.ipynb") if p.name not in NOT_OURS)
CHECK = re.compile(r'^check\("([^"]+)"\)', re.M)


def run(path: Path) -> list[tuple[str, str]]:
    """Execute ``path`` in its folder; (question, printed text) for every check cell."""
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    out = []
    for cell in nb.cells:
        found = CHECK.findall(cell.source) if cell.cell_type == "code" else []
        if found:
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            out.append((found[0], text))
    return out


@pytest.fixture(scope="module")
def checks_module():
    sys.path.insert(0, str(EXERCISES))
    try:
        import checks

        yield checks
    finally:
        sys.path.remove(str(EXERCISES))


def test_there_are_exercises_with_worked_solutions():
    assert len(NAMES) >= 2
    for name in NAMES:
        assert (EXERCISES / "solutions" / name).exists(), f"{name} has no worked solution"


@pytest.mark.parametrize("name", NAMES)
def test_worked_solution_passes_every_check(name):
    results = run(EXERCISES / "solutions" / name)
    assert results, f"{name} calls no check"
    wrong = [(q, text) for q, text in results if not text.startswith(f"Right ({q})")]
    assert wrong == []


@pytest.mark.parametrize("name", NAMES)
def test_blank_exercise_runs_and_every_check_says_not_yet(name):
    results = run(EXERCISES / name)
    assert results, f"{name} calls no check"
    assert all(text.startswith(f"Not yet ({q})") for q, text in results), results


def questions(path: Path) -> list[str]:
    nb = nbformat.read(str(path), as_version=4)
    return [q for c in nb.cells if c.cell_type == "code" for q in CHECK.findall(c.source)]


@pytest.mark.parametrize("name", NAMES)
def test_exercise_and_solution_ask_the_same_questions(name):
    assert questions(EXERCISES / name) == questions(EXERCISES / "solutions" / name)


def test_every_check_is_used_by_an_exercise(checks_module):
    used = set()
    for name in NAMES:
        used |= set(questions(EXERCISES / name))
    assert used == set(checks_module.CHECKS)


def test_a_wrong_answer_says_why_without_giving_the_answer(checks_module, capsys):
    """The classic confusion: a detection rate given as the hit rate."""
    ns = {"hit_rate": checks_module.targeting()["detection_rate"]}
    assert checks_module.check("targeting-q2", ns) is False
    said = capsys.readouterr().out
    assert said.startswith("Not yet (targeting-q2): that is the detection rate")
    assert f"{checks_module.targeting()['hit_rate']:.3}"[:5] not in said


def test_an_unknown_question_is_named_with_the_known_ones(checks_module, capsys):
    assert checks_module.check("q99", {}) is False
    said = capsys.readouterr().out
    assert "'q99'" in said and "pandas-q1" in said


def test_an_answer_of_the_wrong_kind_is_not_yet_not_a_crash(checks_module, capsys):
    assert checks_module.check("pandas-q2", {"drugs": "Cocaine"}) is False
    assert capsys.readouterr().out.startswith("Not yet (pandas-q2)")


def test_every_link_between_exercise_notebooks_leads_somewhere():
    """Relative links resolve from the notebook's own folder, as JupyterLab resolves them."""
    broken = []
    for nb_path in sorted(EXERCISES.rglob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for target in re.findall(r"\]\(([^)#:\s]+\.ipynb)\)", text):
            if not (nb_path.parent / target).exists():
                broken.append(f"{nb_path.relative_to(EXERCISES)} -> {target}")
    assert broken == []


# --- links: exercises and the start page ------------------------------------------------------

REPO = EXERCISES.parent
START = REPO / "courses" / "start.ipynb"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def relative_links(nb_path: Path) -> list[str]:
    """Every link of the notebook's markdown that points at a file, without its #anchor."""
    nb = nbformat.read(nb_path, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for target in LINK.findall(cell.source):
            target = target.split("#")[0]
            if target and "://" not in target and not target.startswith("mailto:"):
                found.append(target)
    return found


def in_work_layout(link: str) -> Path:
    """Where a link of the start page leads once ``courses/selfpaced.py build`` has copied it to
    ``work/start.ipynb``: the single files it copies (the glossary), exercises and dashboards as
    they are, assignments from their source."""
    from courses.selfpaced import FILES

    if link in FILES:
        return FILES[link]
    parts = Path(link).parts
    if parts[0] in ("exercises", "dashboards"):
        return REPO / link
    course_name, assignment, *rest = parts
    return REPO / "courses" / course_name / "source" / assignment / Path(*rest)


def test_every_relative_link_of_the_exercises_leads_to_a_file():
    """Any link, not only between notebooks: solutions, the glossary, folders."""
    broken = []
    for nb_path in sorted(EXERCISES.rglob("*.ipynb")):
        for target in relative_links(nb_path):
            as_work = (nb_path.parent / target).resolve().relative_to(REPO).as_posix()
            if not (nb_path.parent / target).exists() and not in_work_layout(as_work).exists():
                broken.append(f"{nb_path.relative_to(EXERCISES)} -> {target}")
    assert broken == []


def test_every_relative_link_of_the_start_page_leads_to_a_file():
    links = relative_links(START)
    assert "exercises/00-python-for-cen-data.ipynb" in links
    assert "exercises/glossary.md" in links
    assert [link for link in links if not in_work_layout(link).exists()] == []


def test_no_link_points_into_solutions_twice():
    """The bug of the first edition: solutions linked to solutions/solutions/..."""
    for nb_path in [START, *sorted(EXERCISES.rglob("*.ipynb"))]:
        assert not [t for t in relative_links(nb_path) if "solutions/solutions" in t], nb_path


@pytest.mark.parametrize("name", NAMES)
def test_each_exercise_links_to_its_solution_and_back(name):
    assert f"solutions/{name}" in relative_links(EXERCISES / name)
    assert f"../{name}" in relative_links(EXERCISES / "solutions" / name)


def test_the_start_page_names_the_bridge_exercise_as_the_first_step():
    nb = nbformat.read(START, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    first = text.index("**New to Python?** Your first step is the self-paced exercise")
    assert text.index("exercises/00-python-for-cen-data.ipynb") > first
    assert text.index("exercises/00-python-for-cen-data.ipynb") < text.index(
        "exercises/01-pandas-basics.ipynb"
    )


# --- 00 Python for CEN data: every construct, and what a wrong answer hears ------------------

BRIDGE = "00-python-for-cen-data.ipynb"

# The constructs the graded answers use (courses/*/source/*/*.ipynb), each as the text that shows
# it in the bridge exercise's worked solution.
CONSTRUCTS = [
    "[name for name in", "{\n    drug:", "def share_of(", 'f"', ".isin(", ") & (", ") | (",
    "(~", "value_counts(normalize=True)", "sort_values(ascending=False)", ".idxmax()",
    '.groupby("section")["value_usd"].sum()', ".agg(\n", ".map(COUNTRY_REGION)",
    ".apply(", 'format="%Y-%m-%d"', ".dt.days", ".dt.month", ".all(axis=1)",
    ".duplicated()", 'normalize="index"', ".pivot_table(", ".merge(", "zip(", "set(", ".str[:2]",
    "for section in SECTIONS:", "pd.DataFrame(rows).T", ".barh(", '.observe(show, names="value")',
    "widgets.interact(",
]  # fmt: skip


def test_the_bridge_exercise_shows_every_construct_the_graded_answers_use():
    nb = nbformat.read(EXERCISES / "solutions" / BRIDGE, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert [c for c in CONSTRUCTS if c not in code] == []


def said(checks_module, capsys, question: str, **answers) -> str:
    assert checks_module.check(question, answers) is False
    return capsys.readouterr().out.strip()


def test_plausible_wrong_answers_hear_what_is_wrong(checks_module, capsys):
    s = checks_module.load_seizures()
    drugs = s[s["section"] == "Drugs"]
    two = s["detection_method"].isin(["Risk profiling", "Routine control"])
    where = s["location_type"]
    wrong = {
        "python-q1": ({"country_columns": ("reporting_country", "departure_country")},
                      "`country_columns` should be a list: write the comprehension in [ ]"),
        "python-q3": ({"we_drugs": drugs},
                      "`we_drugs` holds drug seizures of every country: add the isin condition "
                      "with &"),
        "python-q4": ({"other_methods_share": two.mean()},
                      "that is the share found by those two methods; put ~ in front of the mask "
                      "to turn it around"),
        "python-q5": ({"airport_or_mail": ((where == "Airport") & (where == "Mail Centre")).sum()},
                      "no seizure is at an airport and at a mail centre at once: use | (or), "
                      "not &"),
        "python-q8": ({"section_shares": s["section"].value_counts()},
                      "these are counts; value_counts(normalize=True) gives shares"),
        "python-q16": ({"second_half": (s["seizure_date"].dt.month > 7).sum()},
                       "July belongs to the second half: use >= 7"),
        "python-q18": ({"later_seizures": s["case_id"].duplicated(keep=False).sum()},
                       "that counts every seizure of a shared case; .duplicated() marks only the "
                       "second and later ones"),
        "python-q19": ({"airport_import_share": 307},
                       'that is a count; normalize="index" turns each row into shares'),
    }  # fmt: skip
    for question, (answers, message) in wrong.items():
        assert (
            said(checks_module, capsys, question, **answers) == f"Not yet ({question}): {message}"
        )


def test_a_function_that_ignores_its_table_is_caught_on_a_second_table(checks_module, capsys):
    s = checks_module.load_seizures()

    def share_of(df, section="Drugs"):
        return (s["section"] == section).mean()  # the global table, not df

    assert said(checks_module, capsys, "python-q7", share_of=share_of) == (
        "Not yet (python-q7): share_of uses the whole `seizures` table instead of its argument df"
    )


def test_named_aggregation_that_counts_rows_as_cases_is_caught(checks_module, capsys):
    s = checks_module.load_seizures()
    by_country = s.groupby("reporting_country").agg(
        seizures=("seizure_id", "size"), cases=("case_id", "size"), value_usd=("value_usd", "sum")
    )
    assert said(checks_module, capsys, "python-q11", by_country=by_country) == (
        "Not yet (python-q11): `cases` counts rows; a case can hold several seizures, so count "
        "distinct case_id values (nunique)"
    )


def test_dates_read_without_a_format_are_caught(checks_module, capsys):
    """The first typed date is day/month/year, so pandas' guess reads the ISO ones as errors."""
    import pandas as pd

    typed = checks_module.typed_dates()
    assert typed[0][2] == "/" and sum("/" in t for t in typed) == 4
    guessed = int(pd.to_datetime(typed, dayfirst=True, errors="coerce").isna().sum())
    assert guessed == 8
    assert said(checks_module, capsys, "python-q14", n_not_iso=guessed) == (
        'Not yet (python-q14): pandas guessed the format from the first date; say format="%Y-%m-%d"'
    )


def test_delays_subtracted_the_wrong_way_round_are_caught(checks_module, capsys):
    s = checks_module.load_seizures()
    backwards = (s["seizure_date"] - s["reported_date"]).dt.days
    assert said(checks_module, capsys, "python-q15", delay_days=backwards) == (
        "Not yet (python-q15): the delays are negative: subtract the seizure date from the report "
        "date"
    )


def test_a_table_built_sideways_is_caught(checks_module, capsys):
    import pandas as pd

    s = checks_module.load_seizures()
    rows = {x: {"seizures": (s["section"] == x).sum(), "cases": 0} for x in checks_module.SECTIONS}
    assert said(checks_module, capsys, "python-q24", section_table=pd.DataFrame(rows)) == (
        "Not yet (python-q24): each section should be a row, not a column: turn the table with .T"
    )


def test_a_widget_never_connected_is_caught(checks_module, capsys):
    import ipywidgets as widgets

    s = checks_module.load_seizures()
    picker = widgets.Dropdown(options=sorted(s["section"].unique()))
    headline = widgets.HTML(
        f"<b>{picker.value}</b>: {(s['section'] == picker.value).sum()} seizures"
    )
    assert said(checks_module, capsys, "python-q26", picker=picker, headline_box=headline) == (
        "Not yet (python-q26): choosing a section did not update `headline_box`: connect show "
        'with picker.observe(show, names="value") and say "<n> seizures"'
    )
    assert picker.value == sorted(s["section"].unique())[0]  # the check puts the choice back


# --- charts: readable by everyone ------------------------------------------------------------

FIGURES = """\
import json
import matplotlib.pyplot as plt
from matplotlib.colors import to_hex
_out = []
for _n in plt.get_fignums():
    for _ax in plt.figure(_n).axes:
        _out.append({
            "title": _ax.get_title(),
            "lines": [[to_hex(l.get_color()), l.get_marker(), l.get_linestyle()]
                      for l in _ax.get_lines() if not l.get_label().startswith("_")],
            "bars": sorted({to_hex(p.get_facecolor()) for p in _ax.patches}),
        })
print(json.dumps(_out))
"""


def chart_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and re.search(r"plt\.subplots|\.plot\(|\.barh?\(", c.source)]  # fmt: skip


def test_every_chart_has_alt_text_in_the_markdown_below_it():
    for nb_path in sorted(EXERCISES.rglob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        for i in chart_cells(nb):
            below = [c for c in nb.cells[i + 1 : i + 4] if c.cell_type == "markdown"]
            assert any(c.source.startswith("*Alt text") for c in below), f"{nb_path.name} cell {i}"


def test_no_exercise_asks_for_the_default_palette():
    """Colours come from OKABE_ITO (or viridis, cividis); the run below checks the result."""
    for nb_path in sorted(EXERCISES.rglob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert not re.search(r"tab10|tab20|jet|rainbow", code), nb_path.name


def test_the_charts_use_okabe_ito_and_never_tell_lines_apart_by_colour_alone(checks_module):
    """The worked solution runs with the non-interactive backend, so its figures stay open."""
    path = EXERCISES / "solutions" / BRIDGE
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell('import matplotlib\n\nmatplotlib.use("agg")'))
    nb.cells.append(nbformat.v4.new_code_cell(FIGURES))
    NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    import json

    axes = json.loads(nb.cells[-1].outputs[0]["text"])
    assert [a["title"] for a in axes] == [
        "Seizures per month in 2025, three largest sections",
        "Seizures by ITR section, 2025",
    ]
    palette = {c.lower() for c in checks_module.OKABE_ITO}
    for ax in axes:
        colours = {line[0] for line in ax["lines"]} | set(ax["bars"])
        assert colours and colours <= palette, ax["title"]
        styles = [(marker, style) for _, marker, style in ax["lines"]]
        assert len(set(styles)) == len(styles), f"{ax['title']}: two lines differ by colour only"


def test_the_alt_text_says_what_the_data_shows(checks_module):
    """The claims of the two alt texts, checked on the exercise's data."""
    import pandas as pd

    s = checks_module.load_seizures()
    monthly = pd.crosstab(s["seizure_date"].dt.month, s["section"])
    ipr, drugs, revenue = (monthly[x] for x in ["IPR, Health and Safety", "Drugs", "Revenue"])
    assert list(monthly.index[drugs > ipr]) == [8, 11]  # Drugs overtakes in August and November
    assert (ipr >= pd.concat([drugs, revenue], axis=1).max(axis=1)).sum() > 6  # highest, mostly
    assert (revenue < pd.concat([ipr, drugs], axis=1).min(axis=1)).sum() > 6  # lowest in most
    order = s["section"].value_counts()
    assert list(order[order > 0].index) == [
        "IPR, Health and Safety", "Drugs", "Revenue", "Security", "AML/CTF", "Environmental Crime",
    ]  # fmt: skip
    assert order["Environmental Crime"] < order["AML/CTF"] / 5  # "far smaller"
