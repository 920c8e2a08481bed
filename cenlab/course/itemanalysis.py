"""Item analysis of a cohort's scores on one assignment, read from the course gradebook.

Per graded item (a test cell or an answer graded by hand): how many trainees were scored, the
pass rate (share with full marks), the mean score and mean share of the points, the share who
scored nothing, and the discrimination (the correlation between the item's score and the rest
of the total: near 0 or below means the item does not separate stronger from weaker trainees).
Then the distribution of totals, and the items most missed (lowest pass rate first).

Answers graded by hand count only once a grader has scored them; until then the item shows
``n`` below the cohort size. A trainee's total counts every item (0 where unscored).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cenlab.course.paths import GRADEBOOK, CoursePaths, course_id

COLUMNS = ["item", "kind", "max_score", "n", "pass_rate", "mean", "mean_share", "zero_rate"]


@dataclass
class ItemReport:
    course: str
    assignment: str
    items: pd.DataFrame  # one row per item, COLUMNS + "discrimination"
    totals: pd.Series  # trainee -> total score
    max_total: float

    def most_missed(self, n: int = 3) -> pd.DataFrame:
        """The ``n`` items with the lowest pass rate (then the lowest mean share)."""
        scored = self.items[self.items["n"] == len(self.totals)]  # fully scored items only
        return scored.sort_values(["pass_rate", "mean_share", "item"]).head(n)

    def to_text(self) -> str:
        head = f"{self.course}/{self.assignment}: {len(self.totals)} trainees"
        if self.totals.empty:
            return head + ", nothing graded yet"
        t = self.totals
        width = max([len(i) for i in self.items["item"]] + [4]) + 2
        lines = [
            head + f", total out of {self.max_total:g}: mean {t.mean():.1f}, median "
            f"{t.median():g}, min {t.min():g}, max {t.max():g}",
            "",
            f"{'item':<{width}}{'kind':<8}{'max':>5}{'n':>5}{'pass':>7}{'mean':>7}{'zero':>7}"
            f"{'discr':>7}",
        ]
        for r in self.items.itertuples():
            disc = "" if pd.isna(r.discrimination) else f"{r.discrimination:.2f}"
            lines.append(
                f"{r.item:<{width}}{r.kind:<8}{r.max_score:>5g}{r.n:>5}{_pct(r.pass_rate):>7}"
                f"{r.mean:>7.2f}{_pct(r.zero_rate):>7}{disc:>7}"
            )
        missed = ", ".join(
            f"{r.item} ({_pct(r.pass_rate)} pass)" for r in self.most_missed().itertuples()
        )
        lines += ["", f"most missed: {missed}"]
        return "\n".join(lines)


def _pct(x) -> str:
    return "-" if pd.isna(x) else f"{100 * x:.0f}%"


def scores_frame(course_dir, assignment: str) -> tuple[pd.DataFrame, dict]:
    """Long frame (student, item, kind, score, max_score, scored) from the gradebook, and
    item -> kind in the assignment's order."""
    from nbgrader.api import Gradebook, MissingEntry

    from cenlab.course.api import with_tools_on_path

    course_dir = Path(course_dir).resolve()
    paths = CoursePaths(course_dir)
    if not paths.gradebook.exists():
        raise ValueError(f"{course_dir.name} has no {GRADEBOOK} yet")
    with_tools_on_path()
    rows, kinds = [], {}
    with Gradebook(paths.db_url, course_id(course_dir)) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(f"{assignment!r} is not in {course_dir.name}'s gradebook") from None
        for nb in found.notebooks:
            answers = {c.name for c in nb.solution_cells}
            for cell in [*nb.grade_cells, *nb.task_cells]:
                auto = cell.cell_type == "code" and cell.name not in answers
                kinds[f"{nb.name}/{cell.name}"] = "auto" if auto else "manual"
        for sub in found.submissions:
            for snb in sub.notebooks:
                for g in snb.grades:
                    scored = g.manual_score is not None or not g.needs_manual_grade
                    value = g.manual_score if g.manual_score is not None else g.auto_score
                    rows.append(
                        (
                            sub.student.id,
                            f"{snb.name}/{g.name}",
                            float(value or 0.0),
                            float(g.max_score),
                            scored,
                        )
                    )
    cols = ["student", "item", "score", "max_score", "scored"]
    return pd.DataFrame(rows, columns=cols), kinds


def item_analysis(course_dir, assignment: str) -> ItemReport:
    """The item analysis of ``assignment`` over every trainee in the gradebook."""
    course_dir = Path(course_dir).resolve()
    frame, kinds = scores_frame(course_dir, assignment)
    if frame.empty:
        items = pd.DataFrame(columns=[*COLUMNS, "discrimination"])
        return ItemReport(course_dir.name, assignment, items, pd.Series(dtype=float), 0.0)
    totals = frame.groupby("student")["score"].sum().sort_index()
    wide = frame.pivot(index="student", columns="item", values="score").reindex(totals.index)
    rows = []
    for item, kind in kinds.items():
        part = frame[(frame["item"] == item) & frame["scored"]]
        top = float(frame.loc[frame["item"] == item, "max_score"].iloc[0])
        n = len(part)
        rest = totals - wide[item]
        disc = np.nan
        if n > 2 and wide[item].std() > 0 and rest.std() > 0:
            disc = float(np.corrcoef(wide[item], rest)[0, 1])
        rows.append(
            {
                "item": item,
                "kind": kind,
                "max_score": top,
                "n": n,
                "pass_rate": (part["score"] >= top).mean() if n else np.nan,
                "mean": part["score"].mean() if n else np.nan,
                "mean_share": part["score"].mean() / top if n and top else np.nan,
                "zero_rate": (part["score"] == 0).mean() if n else np.nan,
                "discrimination": disc,
            }
        )
    items = pd.DataFrame(rows)
    if frame["item"].str.split("/").str[0].nunique() == 1:  # one notebook: cell names suffice
        items["item"] = items["item"].str.split("/", n=1).str[1]
    max_total = float(items["max_score"].sum())
    return ItemReport(course_dir.name, assignment, items, totals, max_total)


def save_chart(report: ItemReport, path) -> Path:
    """Two panels in one PNG: the distribution of totals, and the pass rate of each item with
    the most missed in a stronger colour."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    bins = np.arange(0, max(report.max_total, 1) + 2) - 0.5
    left.hist(report.totals.to_numpy(), bins=bins, color="#4c72b0", edgecolor="white")
    left.set(
        title=f"Totals ({len(report.totals)} trainees)",
        xlabel=f"total score (out of {report.max_total:g})",
        ylabel="trainees",
    )
    items = report.items.iloc[::-1]
    missed = set(report.most_missed()["item"])
    colours = ["#c44e52" if i in missed else "#8c8c8c" for i in items["item"]]
    right.barh(items["item"], items["pass_rate"].fillna(0) * 100, color=colours)
    right.set(title="Pass rate per item (red: most missed)", xlabel="% with full marks")
    right.set_xlim(0, 100)
    fig.suptitle(f"{report.course} / {report.assignment}")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def report(course_dir, assignment: str, png=None) -> tuple[ItemReport, Path]:
    """The item analysis and its chart (by default ``reports/<assignment>-items.png``)."""
    course_dir = Path(course_dir).resolve()
    result = item_analysis(course_dir, assignment)
    if result.totals.empty:
        raise ValueError(f"nobody's {assignment} is in the gradebook yet: grade first")
    png = Path(png) if png else CoursePaths(course_dir).item_chart(assignment)
    return result, save_chart(result, png)
