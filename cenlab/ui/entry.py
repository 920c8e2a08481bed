"""Data-entry drills: a CEN entry form and field-by-field feedback on what a trainee entered.

``check_entry(entered, truth)`` compares an entry (a dict of CEN fields) with the true record and
says, field by field and in plain words, what is right and what to change. ``entry_messages``
runs the validator's rules on an entry as it is being filled. ``EntryForm`` is the entry screen
(ipywidgets): drop-downs from the schema's code lists, messages as fields are filled, a Check
button. ``Drill`` hands out officer reports to enter and checks them. The widgets only call these
functions; the logic lives in the functions, which are tested without a browser.
"""

from __future__ import annotations

import difflib
import html

import numpy as np
import pandas as pd
import pycountry

from cenlab import schema
from cenlab.files.dates import parse_dates
from cenlab.files.read import NUMBER_FIELDS
from cenlab.quality.report import validate
from cenlab.reference import cen_mapping as cm
from cenlab.reference import operations as ops
from cenlab.schema import country_name

GROUPS = {  # the panels of the screen, and so the fields of an entry, in CEN's order
    "When and where": ["seizure_date", "reporting_country", "location_type", "direction"],
    "Goods": ["section", "commodity", "quantity", "unit", "value_usd"],
    "Detection": ["detection_method", "concealment", "conveyance"],
    "Route": ["departure_country", "destination_country", "ecommerce"],
}
ENTRY_FIELDS = [f for fields in GROUPS.values() for f in fields]


def solution(truth) -> dict:
    """The entry a trainee should make for ``truth`` (a record): the worked answer of a drill."""
    t = pd.Series(truth)
    out = {f: (None if pd.isna(t.get(f)) else t.get(f)) for f in ENTRY_FIELDS}
    out["seizure_date"] = f"{pd.Timestamp(t['seizure_date']):%Y-%m-%d}"
    out["quantity"], out["value_usd"] = float(t["quantity"]), round(float(t["value_usd"]), 2)
    out["ecommerce"] = bool(t["ecommerce"])
    return out


def check_entry(entered: dict, truth, *, reveal: bool = False) -> pd.DataFrame:
    """One row per entry field: what was entered, what was expected, whether it is right and a
    hint on what to change. Hints point back to the report without giving the answer away;
    ``reveal=True`` adds the answer to them. ``truth`` is the true record (a row or a dict)."""
    want = solution(truth)
    rows = []
    for f in ENTRY_FIELDS:
        ok, hint = _compare(f, entered.get(f), want, entered)
        if reveal and not ok:
            hint += f" The answer is {_show(want[f])}."
        rows.append((f, entered.get(f), want[f], ok, hint))
    out = pd.DataFrame(rows, columns=["field", "entered", "expected", "correct", "feedback"])
    return out.set_index("field")


def score(feedback: pd.DataFrame) -> str:
    """A one-line summary of ``check_entry``'s result."""
    right = int(feedback["correct"].sum())
    if right == len(feedback):
        return f"All {right} fields are right. Well done!"
    return f"{right} of {len(feedback)} fields are right. Look at the feedback on the others."


def _compare(field: str, got, want: dict, entered: dict) -> tuple[bool, str]:
    """Whether ``got`` is the right entry for ``field``, and a hint a trainee can act on."""
    exp = want[field]
    if got is None or (isinstance(got, str) and not got.strip()):
        return False, "Empty: the report gives it, fill it in."
    if field == "seizure_date":
        day = parse_dates(pd.Series([str(got)]))[0]
        if pd.isna(day) or f"{day:%Y-%m-%d}" != exp:
            return False, "Not the date of the report. Read it again: day before month."
        return True, "Right." if str(got)[:10] == exp else "Right date; write it as YYYY-MM-DD."
    if field in NUMBER_FIELDS:
        return _compare_number(field, got, exp, want, entered)
    if field == "ecommerce":
        ok = cm.TYPED_BOOLEANS.get(str(got).strip().casefold()) == exp
        return (
            ok,
            "Right." if ok else "Read again: does the report say the goods were bought online?",
        )
    if str(got).strip() == exp:
        return True, "Right."
    if str(got).strip().casefold() == str(exp).casefold():
        return False, "Right, but write it exactly as on the code list (capitals count)."
    return False, _hint(field, exp, want, entered)


def _compare_number(field, got, exp, want, entered) -> tuple[bool, str]:
    try:
        x = float(got) if isinstance(got, (int, float)) else float(str(got).replace(",", ""))
    except ValueError:
        return False, f"'{got}' is not a number: type digits only, with a point for decimals."
    close = 0.01 if field == "value_usd" else 0.005  # reports round values to whole dollars
    if abs(x - exp) <= close * abs(exp) + 0.001:
        return True, "Right."
    factor = _conversion(entered.get("unit"), want["unit"])
    if field == "quantity" and factor and abs(x * factor - exp) <= close * abs(exp):
        return (
            False,
            f"Right amount, but {want['commodity']} is recorded in {want['unit']}: convert it.",
        )
    for slip in (10, 100, 1000):
        if min(abs(x / slip - exp), abs(x * slip - exp)) <= close * abs(exp):
            return False, f"Off by a factor of {slip:,}: check the decimal point and the unit."
    what = "amount seized" if field == "quantity" else "value in US dollars"
    return False, f"Not the {what} in the report. Read it again."


def _conversion(unit, cen_unit: str) -> float | None:
    """The factor that turns a quantity in ``unit`` into ``cen_unit`` (grams to kg), or None.
    Only units on the form's list count: a unit typed in words gets the general hints."""
    if unit not in ops.UNITS or unit == cen_unit:
        return None
    to, factor = cm.UNITS.get(unit, (None, None))
    return factor if to == cen_unit else None


def _hint(field: str, exp, want: dict, entered: dict) -> str:
    """A hint for a coded field entered wrong, pointing back to the report or to a CEN rule."""
    if field in ("concealment", "conveyance") and exp == "Unknown":
        return f"The report does not say what the {field} was: choose Unknown."
    if field == "section":
        if entered.get("commodity") == want["commodity"]:
            return f"That is not the section of {want['commodity']}: see the list of commodities."
        return "Get the commodity right first; the section follows from it."
    if field == "commodity":
        return "Not what the report describes: find it in the list of commodities by section."
    if field == "unit":
        return f"{want['commodity']} is always recorded in {exp} in CEN: convert the quantity."
    if schema.field(field).codes == "country":
        if exp == schema.UNKNOWN_COUNTRY:
            return "The report does not name this country: enter XX (unknown)."
        if field == "destination_country" and want["direction"] == "Import":
            return "For an import, the destination is the reporting country unless the report names another."
        if field == "departure_country" and want["direction"] == "Export":
            return "For an export, the departure is the reporting country unless the report names another."
        return "Not the country of the report: look its code up with find_country(...)."
    return f"Not what the report says about the {field.replace('_', ' ')}. Read it again."


def find_country(name: str) -> pd.DataFrame:
    """Countries whose name or code matches ``name``, with their CEN code: for looking up codes
    during a drill (find_country("Dominica"))."""
    try:
        found = pycountry.countries.search_fuzzy(name)
    except LookupError:  # not a part of any name: try names spelt alike (Brasil, Marocco)
        names = {getattr(c, "common_name", None) or c.name: c for c in pycountry.countries}
        found = [names[n] for n in difflib.get_close_matches(name, list(names), n=3, cutoff=0.6)]
    rows = [(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in found[:5]]
    return pd.DataFrame(rows, columns=["code", "country"])


def _show(value) -> str:
    return _num(value) if isinstance(value, float) else str(value)


def _num(x: float) -> str:
    return f"{x:,.3f}".rstrip("0").rstrip(".")


# --- live messages ---------------------------------------------------------------------------

NOT_ON_FORM = {"case_id": "ENTRY", "seizure_id": "ENTRY-1", "office": "ENTRY"}


def entry_messages(entered: dict, *, as_of=None) -> dict[str, list[str]]:
    """The validator's messages on an entry being filled, by field (fields with none left out)."""
    row = {c: entered.get(c, NOT_ON_FORM.get(c)) for c in schema.columns()}
    for f in NUMBER_FIELDS:
        try:
            row[f] = float(row[f]) if row[f] not in (None, "") else np.nan
        except (TypeError, ValueError):
            pass  # left as text: the validator says it is not a number
    if isinstance(row["ecommerce"], str):
        row["ecommerce"] = cm.TYPED_BOOLEANS.get(row["ecommerce"].strip().casefold()) is True
    df = pd.DataFrame({c: pd.Series([v], dtype=object) for c, v in row.items()})
    for f in NUMBER_FIELDS:
        if isinstance(row[f], float):
            df[f] = df[f].astype(float)
    rules = ["completeness", "validity", "consistency", "plausibility", "timeliness"]
    found = validate(df, as_of=as_of, rules=rules).findings
    return {f: list(g["message"]) for f, g in found.groupby("field", observed=True)}


def field_options(field: str) -> list[tuple[str, str]]:
    """(label, value) pairs for the drop-down of a coded field; countries by name, XX first."""
    f = schema.field(field)
    if f.codes == "country":
        codes = sorted(schema.country_codes() - {schema.UNKNOWN_COUNTRY}, key=country_name)
        return [("XX (unknown)", "XX")] + [(f"{c} ({country_name(c)})", c) for c in codes]
    return [(c, c) for c in f.codes]


def feedback_html(feedback: pd.DataFrame) -> str:
    """``check_entry``'s result as a small HTML table, wrong fields first."""
    rows = feedback.sort_values("correct", kind="stable")
    cells = "".join(
        f"<tr><td>{html.escape(f)}</td><td>{'&#10004;' if r.correct else '&#10008;'}</td>"
        f"<td>{html.escape(str(r.entered))}</td><td>{html.escape(r.feedback)}</td></tr>"
        for f, r in rows.iterrows()
    )
    head = "<tr><th>field</th><th></th><th>you entered</th><th>feedback</th></tr>"
    return f"<p><b>{html.escape(score(feedback))}</b></p><table>{head}{cells}</table>"


# --- the entry screen ------------------------------------------------------------------------

LABELS = {f: f.replace("_", " ").capitalize() for f in ENTRY_FIELDS} | {"value_usd": "Value (USD)"}


class EntryForm:
    """A CEN seizure entry screen for one record.

    ``report`` (text) is shown above the form; with ``truth`` (the true record) the Check button
    gives field-by-field feedback. Messages from the quality rules appear as fields are filled.
    ``value`` is the entry as a dict; ``fill(**fields)`` sets fields from code.
    """

    def __init__(self, *, report: str | None = None, truth=None, as_of=None):
        import ipywidgets as w

        self.truth, self.as_of, self.touched = truth, as_of, set()
        self.inputs = {}
        for f in ENTRY_FIELDS:
            if f == "seizure_date":
                box = w.DatePicker()
            elif f == "ecommerce":
                box = w.Checkbox(indent=False, description="bought or sold online")
            elif f in NUMBER_FIELDS:
                box = w.Text(placeholder="digits, such as 2.5")
            else:
                box = w.Dropdown(options=[("choose...", None)] + field_options(f), value=None)
            box.observe(lambda change, f=f: self._changed(f), names="value")
            self.inputs[f] = box
        self.messages, self.feedback = w.HTML(), w.HTML()
        check = w.Button(description="Check", button_style="primary")
        check.on_click(lambda _: self.check())
        panels = [
            w.VBox(
                [w.HTML(f"<b>{title}</b>")]
                + [
                    w.HBox([w.Label(LABELS[f], layout=w.Layout(width="140px")), self.inputs[f]])
                    for f in fields
                ]
            )
            for title, fields in GROUPS.items()
        ]
        top = [w.HTML(f"<blockquote>{html.escape(report)}</blockquote>")] if report else []
        grid = w.GridBox(panels, layout=w.Layout(grid_template_columns="1fr 1fr", grid_gap="8px"))
        self.widget = w.VBox(
            top + [w.HTML("<h4>CEN seizure entry</h4>"), grid, self.messages, check, self.feedback]
        )

    @property
    def value(self) -> dict:
        out = {f: box.value for f, box in self.inputs.items()}
        out["seizure_date"] = (
            None if out["seizure_date"] is None else f"{out['seizure_date']:%Y-%m-%d}"
        )
        return {f: (None if v == "" else v) for f, v in out.items()}

    def fill(self, **fields) -> EntryForm:
        for f, v in fields.items():
            box = self.inputs[f]
            if f == "seizure_date" and v is not None:
                v = pd.Timestamp(v).date()
            elif f in NUMBER_FIELDS and v is not None:
                v = _num(float(v)) if not isinstance(v, str) else v
            box.value = "" if v is None and f in NUMBER_FIELDS else v
        return self

    def current_messages(self) -> dict[str, list[str]]:
        """Messages on the fields filled so far (empty fields are only reported after Check)."""
        found = entry_messages(self.value, as_of=self.as_of)
        return {f: m for f, m in found.items() if f in self.touched}

    def check(self) -> pd.DataFrame | None:
        """Show every message, and field-by-field feedback when the true record is known."""
        self.touched |= set(ENTRY_FIELDS)
        self._show_messages()
        if self.truth is None:
            return None
        result = check_entry(self.value, self.truth)
        self.feedback.value = feedback_html(result)
        return result

    def _changed(self, field: str) -> None:
        self.touched.add(field)
        self._show_messages()

    def _show_messages(self) -> None:
        items = [
            f"<li><b>{html.escape(LABELS.get(f, f))}</b>: {html.escape(m)}</li>"
            for f, ms in self.current_messages().items()
            for m in ms
        ]
        self.messages.value = f"<ul>{''.join(items)}</ul>" if items else ""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class Drill:
    """A self-paced drill: ``n`` officer reports to turn into CEN records, with instant feedback.

    ``report(i)`` is the i-th report, ``check(i, entry)`` compares an entry with the record,
    ``solution(i)`` is the worked answer and ``form(i)`` the entry screen for it.
    """

    def __init__(self, n: int = 5, *, seed: int = 0):
        from cenlab.synth.narrative import narrate
        from cenlab.synth.seizures import make_seizures

        self.n, self.seed = n, seed
        cases = make_seizures(n, seed=seed).drop_duplicates("case_id")  # one seizure per case
        self.records = cases.head(n).reset_index(drop=True)
        self.reports = narrate(self.records, seed=seed)

    def _row(self, i: int) -> pd.Series:
        if not 0 <= i < len(self.records):
            raise ValueError(
                f"there are {len(self.records)} reports, numbered 0 to {len(self.records) - 1}"
            )
        return self.records.iloc[i]

    def report(self, i: int) -> str:
        self._row(i)
        return self.reports.iloc[i]

    def check(self, i: int, entered: dict) -> pd.DataFrame:
        return check_entry(entered, self._row(i))

    def solution(self, i: int) -> dict:
        return solution(self._row(i))

    def form(self, i: int, *, as_of=None) -> EntryForm:
        return EntryForm(report=self.report(i), truth=self._row(i), as_of=as_of)
