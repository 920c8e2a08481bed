"""``validate(df)``: check seizures against the WCO Charter of Data Quantity and Quality.

Every rule in ``cenlab.rules`` runs over whole columns and reports each finding as a row, a field,
the rule, its Charter dimension and a message a trainee can act on. The report scores each field,
each dimension and the whole dataset: the percentage of records with nothing to fix.

It works on a frame from ``make_seizures``, on one damaged by ``inject_defects`` and on one read
back from a file by ``cenlab.io.read_seizures``, where a column may still hold the text typed
(a date written 04/03/2025): :class:`Columns` reads each column once in the forms the rules need.
"""

from __future__ import annotations

import html
import json
import string

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cenlab import schema
from cenlab.io import ID_FIELDS, date_readings, iso_dates
from cenlab.rules import DIMENSIONS, RULES, Rule

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
    as_of = _day(as_of, "as_of") if as_of is not None else pd.Timestamp.today().normalize()
    cols = Columns(df, as_of=as_of, cutoff=None if cutoff is None else _day(cutoff, "cutoff"))
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


def _day(value, what: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ValueError(f"{what} must be a date like 2025-12-31, got {value!r}") from None


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
        {r: pd.concat([q.scores.loc["dimension", "score"], pd.Series({"overall": q.score})])
         for r, q in (("before", before), ("after", after))}
    )  # fmt: skip
    return table.assign(change=table["after"] - table["before"]).round(2)


def rules_table() -> pd.DataFrame:
    """Every rule: its dimension, severity, the fields it reads and what it checks."""
    rows = [(r.name, r.dimension, r.severity, ", ".join(r.fields), " ".join(r.doc.split()))
            for r in RULES]  # fmt: skip
    columns = ["rule", "dimension", "severity", "fields", "checks"]
    return pd.DataFrame(rows, columns=columns).set_index("rule")


class Columns:
    """The columns of a seizure frame, each read once in the forms the rules need."""

    def __init__(self, df: pd.DataFrame, *, as_of: pd.Timestamp, cutoff: pd.Timestamp | None):
        self.df, self.n, self.as_of, self.cutoff = df, len(df), as_of, cutoff
        self._cache: dict = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def coded(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes per row (-1 where empty) and the distinct values as text."""

        def make():
            s = self.df[name]
            if isinstance(s.dtype, pd.CategoricalDtype):
                codes, uniques = s.cat.codes.to_numpy().astype(np.int64), s.cat.categories
            else:
                codes, uniques = pd.factorize(s)
            cats = np.array([str(v) for v in uniques], dtype=object)
            blank = np.array([not c.strip() for c in cats] + [True])
            return np.where(blank[codes], -1, codes), cats

        return self._once(("coded", name), make)

    def per_value(self, name: str, fn) -> np.ndarray:
        """``fn`` applied to each distinct value of ``name``, spread over the rows."""
        codes, cats = self.coded(name)
        return np.array([fn(c) for c in cats] + [""], dtype=object)[codes]

    def text(self, name: str) -> np.ndarray:
        """The values of a coded field as text ("" where empty)."""
        codes, cats = self.coded(name)
        return np.append(cats, "")[codes]

    def lookup(self, name: str, values: list, mapped: list | None = None) -> np.ndarray:
        """Per row, the index of its value in ``values`` (or ``mapped`` at that index); -1 when
        the value is empty or not in ``values``."""
        codes, cats = self.coded(name)
        idx = pd.Index(values).get_indexer(cats)
        if mapped is not None:
            idx = np.where(idx >= 0, np.append(mapped, -1)[idx], -1)
        return np.append(idx, -1)[codes]

    def accepted(self, name: str):
        """The code list of ``name``; for ``ecommerce`` True/False unless it is a bool column."""
        if name == "ecommerce":
            is_bool = pd.api.types.is_bool_dtype(self.df[name])
            return None if is_bool else frozenset({"True", "False"})
        return schema.field(name).accepted()

    def not_in(self, name: str, accepted) -> np.ndarray:
        """Rows whose value is filled in but not in ``accepted``."""
        codes, cats = self.coded(name)
        return np.append(~np.isin(cats, list(accepted)), False)[codes]

    def missing(self, name: str) -> np.ndarray:
        s = self.df[name]
        kind = s.dtype.kind if not isinstance(s.dtype, pd.CategoricalDtype) else "O"
        if name in ID_FIELDS:  # many distinct values: stay in Arrow
            arr = pa.array(s.astype("string[pyarrow]"))
            blank = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(arr)), 0)
            return np.asarray(blank.fill_null(True), dtype=bool)
        if kind in "fiubM" or pd.api.types.is_bool_dtype(s):
            return s.isna().to_numpy()
        return self.coded(name)[0] < 0

    def numbers(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Values as floats (NaN when empty or not a number) and where text is not a number."""

        def make():
            s = self.df[name]
            if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                return s.to_numpy(dtype=float, na_value=np.nan), np.zeros(self.n, dtype=bool)
            codes, cats = self.coded(name)
            num = pd.to_numeric(pd.Series(cats, dtype=object), errors="coerce").to_numpy(float)
            return np.append(num, np.nan)[codes], np.append(np.isnan(num), False)[codes]

        return self._once(("numbers", name), make)

    def dates(self) -> pd.DatetimeIndex:
        """Seizure dates as days; NaT where empty or not written as YYYY-MM-DD."""

        def make():
            s = self.df["seizure_date"]
            if pd.api.types.is_datetime64_any_dtype(s):
                return pd.DatetimeIndex(s.dt.tz_localize(None) if s.dt.tz else s).normalize()
            codes, cats = self.coded("seizure_date")
            return iso_dates(cats).take(codes, allow_fill=True)

        return self._once("dates", make)

    def bad_dates(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose date is text but not a YYYY-MM-DD date, and how each could be read."""
        if pd.api.types.is_datetime64_any_dtype(self.df["seizure_date"]):
            return np.zeros(self.n, dtype=bool), np.full(self.n, "", dtype=object)
        codes, cats = self.coded("seizure_date")
        bad = np.append(iso_dates(cats).isna(), False)
        readings = np.full(len(cats) + 1, "", dtype=object)
        idx = np.flatnonzero(bad[:-1])  # distinct bad texts only
        readings[idx] = [_reading(r) for r in date_readings(cats[idx])]
        return bad[codes], readings[codes]

    def id_duplicates(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose seizure id appeared on an earlier row, and that earlier row."""

        def make():
            ids = pa.array(self.df["seizure_id"].astype("string[pyarrow]"))
            order = np.asarray(pc.sort_indices(ids))
            ordered = ids.take(pa.array(order))
            same = np.asarray(pc.equal(ordered[1:], ordered[:-1]).fill_null(False), dtype=bool)
            return self._repeats(order, same)

        return self._once("id_dup", make)

    def record_duplicates(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows equal to an earlier row in every CEN field but the ids, and that earlier row."""

        def make():
            h = np.zeros(self.n, dtype=np.uint64)
            for c in [c for c in schema.columns() if c in self.df and c not in ID_FIELDS]:
                h = _mix(h + self._keys(c))  # equal records get equal keys; others rarely do
            repeat, first = pd.Series(h).duplicated().to_numpy(), np.zeros(self.n, dtype=np.int64)
            kept = np.flatnonzero(~repeat)
            first[repeat] = kept[pd.Index(h[kept]).get_indexer(h[repeat])]
            return repeat, np.asarray(self.df.index)[first] if self.n else first

        return self._once("record_dup", make)

    def _keys(self, name: str) -> np.ndarray:
        s = self.df[name]
        if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_float_dtype(s):
            return s.to_numpy().view(np.int64).astype(np.uint64)
        if pd.api.types.is_bool_dtype(s) and not s.hasnans:
            return s.to_numpy(dtype=bool).astype(np.uint64)
        return (self.coded(name)[0] + 1).astype(np.uint64)

    def _repeats(self, order: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """From a stable sort and "equal to the previous" flags: repeat mask and first rows."""
        repeat = np.r_[False, same]
        start = np.maximum.accumulate(np.where(repeat, 0, np.arange(self.n)))
        is_rep, first = np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.int64)
        is_rep[order], first[order] = repeat, order[start]
        return is_rep, np.asarray(self.df.index)[first] if self.n else first

    def show(self, name: str, pos: np.ndarray) -> np.ndarray:
        """The values of the flagged rows as text, as a trainee would see them in the table."""
        s = self.df[name].iloc[pos]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.strftime("%Y-%m-%d")
        return s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits so that combined column keys rarely collide."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _reading(dates: list) -> str:
    """How a date written another way could be read, for the message."""

    def day(d):
        return f"{d.day} {d:%B %Y}"

    if len(dates) == 1:
        return f": it reads as {day(dates[0])}, so write {dates[0]:%Y-%m-%d}."
    if dates:
        return f": is it {' or '.join(day(d) for d in dates)}? Check, then write it as YYYY-MM-DD."
    return ": write it as YYYY-MM-DD, for example 2025-03-04."


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
            {"errors": errors.astype(int), "warnings": (total - errors).astype(int), "records_flagged": flagged.astype(int),
             "score": [_score(k, self.n_rows) for k in flagged]},
            index=pd.Index(names, name="name"),
        )  # fmt: skip

    def summary(self) -> pd.DataFrame:
        """One row per rule run: its dimension, severity, number of findings and one example."""
        f = self.findings
        counts = f.groupby("rule", observed=True).size()
        example = f.drop_duplicates("rule").set_index("rule")["message"]
        rows = [(r.name, r.dimension, r.severity, int(counts.get(r.name, 0)), example.get(r.name, ""))
                for r in select_rules(self.rules)]  # fmt: skip
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
            "records": self.n_rows, "score": round(self.score, 2), "errors": self.errors,
            "warnings": self.warnings, "as_of": f"{self.as_of:%Y-%m-%d}",
            "cutoff": None if self.cutoff is None else f"{self.cutoff:%Y-%m-%d}",
            "dimensions": {d: round(s, 2) for d, s in dims["score"].items()},
            "findings": json.loads(self.findings.to_json(orient="records")),
        }  # fmt: skip

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
            + (f"<p>First {len(shown)} findings:</p>" + shown.to_html(index=False) if len(shown) else "")
            + (f"<p>... and {more:,} more: <code>report.to_frame()</code> lists them all.</p>" if more else "")
        )  # fmt: skip


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _score(flagged: int, n: int) -> float:
    """Percentage of ``n`` records not flagged."""
    return 100.0 * (1 - flagged / n) if n else 100.0
