"""``validate(df)``: check seizures against the WCO Charter of Data Quantity and Quality.

Every rule in ``cenlab.quality.rules`` runs over whole columns and reports each finding as a
row, a field, the rule, its Charter dimension and a message a trainee can act on. The report
scores each field, each dimension and the whole dataset: the percentage of records with nothing
to fix.

It works on a frame from ``make_seizures``, on one damaged by ``inject_defects`` and on one read
back from a file by ``cenlab.files.read_seizures``, where a column may still hold the text typed
(a date written 04/03/2025): ``cenlab.quality.columns.Columns`` reads each column once in the
forms the rules need.
"""

from __future__ import annotations

import html
import json
import string

import numpy as np
import pandas as pd

from cenlab import schema
from cenlab.files.dates import day
from cenlab.quality.columns import Columns
from cenlab.quality.rules import DIMENSIONS, RULES, Rule

FINDING_COLUMNS = ["row", "field", "rule", "dimension", "severity", "value", "message"]


def validate(df: pd.DataFrame, *, as_of=None, cutoff=None, rules=None) -> QualityReport:
    """Run the quality rules over ``df`` (one row per seizure, CEN field names).

    ``as_of`` is the day the data is checked (default today): later seizure dates are in the
    future. ``cutoff`` is the last day of the reporting period (default none): later dates belong
    to the next period. ``rules`` picks rules or whole dimensions by name (default all).
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"validate needs a DataFrame of seizures, got {type(df).__name__}")
    missing = [c for c in schema.mandatory() if c not in df.columns]
    if missing:
        raise ValueError(f"the seizures lack the mandatory CEN columns {', '.join(missing)}")
    as_of = day(as_of, "as_of") if as_of is not None else pd.Timestamp.today().normalize()
    cols = Columns(df, as_of=as_of, cutoff=None if cutoff is None else day(cutoff, "cutoff"))
    chosen = select_rules(rules)
    parts = []
    for order, r in enumerate(chosen):
        for hit in r.check(cols):
            params = {"field": hit.field, "value": cols.show(hit.field, hit.pos), **hit.params}
            parts.append((order, r, hit, params["value"], _render(r.message, params, len(hit.pos))))
    fields = [c for c in schema.columns() if c in df.columns]
    names = [r.name for r in chosen]
    return QualityReport(_findings(df, parts), len(df), names, as_of, cols.cutoff, fields)


def select_rules(names=None) -> list[Rule]:
    """The rules named, or those of the dimensions named; all of them for None."""
    if names is None:
        return list(RULES)
    names = [names] if isinstance(names, str) else list(names)
    known = {r.name for r in RULES} | set(DIMENSIONS)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown rules {unknown}; accepted: {', '.join(sorted(known))}")
    return [r for r in RULES if r.name in names or r.dimension in names]


def _render(template: str, params: dict, n: int) -> np.ndarray:
    """The message for each flagged row: ``template`` filled from per-row or shared values."""
    out = np.full(n, "", dtype=object)
    for literal, name, _, _ in string.Formatter().parse(template):
        out = out + literal
        if name is not None:
            v = params[name]
            out = out + (v.astype(str).astype(object) if isinstance(v, np.ndarray) else str(v))
    return out


def _findings(df: pd.DataFrame, parts: list) -> pd.DataFrame:
    """One frame of findings, ordered by row and then by rule."""
    sizes = [len(p[2].pos) for p in parts]
    pos = np.concatenate([p[2].pos for p in parts] + [np.zeros(0, dtype=np.int64)])
    order = np.lexsort((np.repeat(np.array([p[0] for p in parts], dtype=np.int64), sizes), pos))

    def column(values, categories):
        return pd.Categorical(np.repeat(np.array(values, dtype=object), sizes)[order], categories)

    def text(i):
        return np.concatenate([p[i] for p in parts] + [np.zeros(0, dtype=object)])[order]

    return pd.DataFrame(
        {
            "row": df.index.take(pos[order]),
            "field": column([p[2].field for p in parts], list(df.columns)),
            "rule": column([p[1].name for p in parts], [r.name for r in RULES]),
            "dimension": column([p[1].dimension for p in parts], list(DIMENSIONS)),
            "severity": column([p[1].severity for p in parts], ["error", "warning"]),
            "value": text(3),
            "message": text(4),
            "_pos": pos[order],
        }
    )


def compare(before: QualityReport, after: QualityReport) -> pd.DataFrame:
    """Scores per dimension and overall, before and after fixing, and the change."""
    table = pd.DataFrame(
        {
            r: pd.concat([q.scores.loc["dimension", "score"], pd.Series({"overall": q.score})])
            for r, q in (("before", before), ("after", after))
        }
    )
    return table.assign(change=table["after"] - table["before"]).round(2)


def rules_table() -> pd.DataFrame:
    """Every rule: its dimension, severity, the fields it reads and what it checks."""
    rows = [
        (r.name, r.dimension, r.severity, ", ".join(r.fields), " ".join(r.doc.split()))
        for r in RULES
    ]
    columns = ["rule", "dimension", "severity", "fields", "checks"]
    return pd.DataFrame(rows, columns=columns).set_index("rule")


class QualityReport:
    """What ``validate`` found.

    ``findings`` has one row per finding (row, field, rule, dimension, severity, value, message);
    ``scores`` gives, per dimension and per field, the errors, warnings and the score: the
    percentage of records with no finding there. ``score`` is the percentage of records with
    nothing to fix at all. In a notebook the report shows as a table; ``to_frame()`` gives the
    findings, ``summary()`` one line per rule.
    """

    def __init__(self, findings, n_rows, rules, as_of, cutoff, fields=None):
        self._pos = findings.pop("_pos").to_numpy()
        self.findings, self.n_rows, self.rules = findings, n_rows, rules
        self.as_of, self.cutoff = as_of, cutoff
        self.fields = fields or schema.columns()

    @property
    def errors(self) -> int:
        return int((self.findings["severity"] == "error").sum())

    @property
    def warnings(self) -> int:
        return int((self.findings["severity"] == "warning").sum())

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    @property
    def score(self) -> float:
        """Percentage of records with no finding at all: 100 means nothing to fix."""
        return _score(len(np.unique(self._pos)), self.n_rows)

    @property
    def scores(self) -> pd.DataFrame:
        """Errors, warnings, records flagged and score, per ("dimension", name) and ("field", name)."""
        fields = self.fields + sorted(set(self.findings["field"].astype(str)) - set(self.fields))
        parts = {
            "dimension": self._table("dimension", list(DIMENSIONS)),
            "field": self._table("field", fields),
        }
        return pd.concat(parts, names=["level", "name"])

    def _table(self, key: str, names: list[str]) -> pd.DataFrame:
        f = self.findings
        g = pd.DataFrame(
            {
                "key": f[key].astype(str).to_numpy(),
                "pos": self._pos,
                "error": (f["severity"] == "error").to_numpy(),
            }
        )
        total = g.groupby("key").size().reindex(names, fill_value=0)
        errors = g.groupby("key")["error"].sum().reindex(names, fill_value=0)
        flagged = g.drop_duplicates().groupby("key")["pos"].nunique().reindex(names, fill_value=0)
        return pd.DataFrame(
            {
                "errors": errors.astype(int),
                "warnings": (total - errors).astype(int),
                "records_flagged": flagged.astype(int),
                "score": [_score(k, self.n_rows) for k in flagged],
            },
            index=pd.Index(names, name="name"),
        )

    def summary(self) -> pd.DataFrame:
        """One row per rule run: its dimension, severity, number of findings and one example."""
        f = self.findings
        counts = f.groupby("rule", observed=True).size()
        example = f.drop_duplicates("rule").set_index("rule")["message"]
        rows = [
            (r.name, r.dimension, r.severity, int(counts.get(r.name, 0)), example.get(r.name, ""))
            for r in select_rules(self.rules)
        ]
        return pd.DataFrame(
            rows, columns=["rule", "dimension", "severity", "findings", "example"]
        ).set_index("rule")

    def to_frame(self) -> pd.DataFrame:
        """The findings as a new DataFrame."""
        return self.findings.copy()

    def for_row(self, row) -> pd.DataFrame:
        """The findings of one row (by its index label)."""
        return self.findings[self.findings["row"] == row]

    def to_dict(self) -> dict:
        """The report as plain data (for JSON)."""
        dims = self.scores.loc["dimension"]
        return {
            "records": self.n_rows,
            "score": round(self.score, 2),
            "errors": self.errors,
            "warnings": self.warnings,
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "cutoff": None if self.cutoff is None else f"{self.cutoff:%Y-%m-%d}",
            "dimensions": {d: round(s, 2) for d, s in dims["score"].items()},
            "findings": json.loads(self.findings.to_json(orient="records")),
        }

    def headline(self) -> str:
        flagged = len(np.unique(self._pos))
        return (
            f"Data quality: {self.n_rows:,} records checked as of {self.as_of:%Y-%m-%d}, "
            f"score {self.score:.1f} out of 100. {_count(self.errors, 'error')} and "
            f"{_count(self.warnings, 'warning')} on {_count(flagged, 'record')}."
        )

    def to_text(
        self, *, max_findings: int = 10, more: str = "report.to_frame() lists them all"
    ) -> str:
        """The report as plain text: headline, scores per dimension, the first findings."""
        dims = self.scores.loc["dimension"].drop(columns="records_flagged")
        lines = [self.headline(), "", dims.to_string(float_format=lambda x: f"{x:.1f}"), ""]
        shown = self.findings.head(max_findings)
        if len(shown):
            lines.append(f"First {len(shown)} of {len(self.findings):,} findings:")
            for r in shown.itertuples():
                lines.append(f"  row {r.row}  {r.field}  {r.severity}: {r.message}")
        if len(self.findings) > len(shown):
            lines.append(f"  ... and {len(self.findings) - len(shown):,} more: {more}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        dims = self.scores.loc["dimension"].assign(checks=list(DIMENSIONS.values()))
        shown = self.findings.head(20)
        more = len(self.findings) - len(shown)
        return (
            f"<p><b>{html.escape(self.headline())}</b></p>"
            + dims.to_html(float_format=lambda x: f"{x:.1f}")
            + (
                f"<p>First {len(shown)} findings:</p>" + shown.to_html(index=False)
                if len(shown)
                else ""
            )
            + (
                f"<p>... and {more:,} more: <code>report.to_frame()</code> lists them all.</p>"
                if more
                else ""
            )
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _score(flagged: int, n: int) -> float:
    """Percentage of ``n`` records not flagged."""
    return 100.0 * (1 - flagged / n) if n else 100.0
