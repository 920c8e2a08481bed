"""Small wrong variants ("mutants") of an answer cell's solution code, one change at a time.

``mutate(source)`` parses a cell, finds every place inside its ``### BEGIN SOLUTION`` region
where one operator applies, and returns one ``Mutation`` per (operator, place), each holding the
whole cell's source with that single change. The change is spliced into the original text, so
the rest of the cell keeps its formatting; a splice that does not parse back to the intended
tree falls back to ``ast.unparse`` of the whole cell.

Operators: ``comparison`` (``<``/``>=``, ``<=``/``>``, ``==``/``!=``), ``boundary`` (``<``/``<=``,
``>``/``>=``), ``aggregate`` (method calls and ``agg``/``aggfunc`` names: sum/count/mean,
count/nunique/size, mean/median, max/min, idxmax/idxmin, any/all), ``arithmetic`` (``+``/``-``,
``*``/``/``, also in ``+=``), ``constant`` (int n -> n+1, float x -> x*1.1; indexes included,
since ``.iloc[1]`` for ``.iloc[0]`` is a real mistake), ``sort`` (flip or add ``ascending``,
``reverse`` in ``sorted``, nlargest/nsmallest), ``head-tail``, ``and-or`` (``&``/``|``),
``dropped`` (``.dropna()``/``.drop_duplicates()`` removed), ``normalize`` (the keyword removed).

Cosmetic text never changes: strings are never mutated, and nothing inside an f-string, a
cosmetic keyword (``title=``, ``label=``, ``figsize=``, ``axis=``, ...) or the arguments of a
text, layout or output call (``set_title``, ``xlabel``, ``axhline``, ``subplots``, ``print``,
``display``, ...) is touched.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

FLIP = {ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.Eq: ast.NotEq}
FLIP[ast.NotEq] = ast.Eq
BOUNDARY = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
AND_OR = {ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd}
TOKENS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
TOKENS |= {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.BitAnd: "&"}
TOKENS[ast.BitOr] = "|"

_PAIRS = [("sum", "count"), ("sum", "mean"), ("count", "nunique"), ("count", "size")]
_PAIRS += [("mean", "median"), ("max", "min"), ("idxmax", "idxmin"), ("any", "all")]
AGGREGATES: dict[str, list[str]] = {}
for _a, _b in _PAIRS:
    AGGREGATES.setdefault(_a, []).append(_b)
    AGGREGATES.setdefault(_b, []).append(_a)
RENAMES = {"nlargest": ("sort", "nsmallest"), "nsmallest": ("sort", "nlargest")}
RENAMES |= {"head": ("head-tail", "tail"), "tail": ("head-tail", "head")}
AGG_CALLS = {"agg", "aggregate", "transform"}
DROPPED = {"dropna", "drop_duplicates"}
SORTS = {"sort_values", "sort_index"}

COSMETIC_KEYWORDS = {
    "title", "xlabel", "ylabel", "label", "labels", "legend", "color", "colors", "cmap",
    "colormap", "figsize", "fontsize", "rotation", "rot", "alpha", "dpi", "linewidth", "lw",
    "linestyle", "marker", "markersize", "width", "height", "grid", "style", "edgecolor",
    "facecolor", "description", "layout", "loc", "bbox_to_anchor", "ha", "va", "fmt", "axis",
    "palette", "precision", "decimals",
}  # fmt: skip
COSMETIC_CALLS = {
    "set_title", "set_xlabel", "set_ylabel", "suptitle", "title", "xlabel", "ylabel", "text",
    "annotate", "legend", "set_xticklabels", "set_yticklabels", "set_xticks", "set_yticks",
    "print", "display", "Markdown", "HTML", "set_size_inches", "tight_layout", "axhline",
    "axvline", "axhspan", "axvspan", "set_xlim", "set_ylim", "tick_params", "subplots",
    "subplot", "add_subplot", "figure", "subplots_adjust", "grid",
}  # fmt: skip


@dataclass(frozen=True)
class Mutation:
    """One single change to a cell: the operator, the (1-based) line of the cell it changes,
    that line before and after (stripped), and the whole mutated cell source."""

    operator: str
    line: int
    before: str
    after: str
    source: str


def solution_lines(source: str) -> list[tuple[int, int]]:
    """(first, last) 1-based line numbers of each solution region of a cell, markers excluded."""
    regions, start = [], None
    for number, text in enumerate(source.splitlines(), 1):
        if text.strip() == BEGIN:
            start = number + 1
        elif text.strip() == END and start is not None:
            regions.append((start, number - 1))
            start = None
    return regions


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _candidates(tree, regions):
    """Yield (node, context) for every node in a solution region and not in cosmetic code."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip |= {id(n) for n in ast.walk(node)}
        elif isinstance(node, ast.keyword) and node.arg in COSMETIC_KEYWORDS:
            skip |= {id(n) for n in ast.walk(node.value)}
        elif isinstance(node, ast.Call) and _name(node.func) in COSMETIC_CALLS:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                skip |= {id(n) for n in ast.walk(arg)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        end = getattr(node, "end_lineno", None)
        if line is None or id(node) in skip:
            continue
        if any(a <= line and end <= b for a, b in regions):
            yield node


class _Source:
    """The cell's text with (line, column) <-> offset conversion for splicing."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line.encode("utf-8")))
        self.raw = text.encode("utf-8")

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def start(self, node) -> int:
        return self.offset(node.lineno, node.col_offset)

    def end(self, node) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)

    def splice(self, a: int, b: int, new: str) -> str:
        return (self.raw[:a] + new.encode("utf-8") + self.raw[b:]).decode("utf-8")

    def segment(self, a: int, b: int) -> str:
        return self.raw[a:b].decode("utf-8")


def _edits(node, src: _Source):
    """Yield (operator, apply, (start, end, new_text)) for each mutation of one node; ``apply``
    changes the node in place and returns a function that undoes it."""

    def set_attr(obj, field, value):
        def apply():
            old = getattr(obj, field)
            setattr(obj, field, value)
            return lambda: setattr(obj, field, old)

        return apply

    def set_item(seq, index, value):
        def apply():
            old = list(seq)
            seq[index] = value
            return lambda: seq.__setitem__(slice(None), old)

        return apply

    def gap(left, right, old, new):
        a, b = src.end(left), src.start(right)
        text = src.segment(a, b)
        return (a, b, text.replace(TOKENS[old], TOKENS[new], 1))

    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            left = node.left if i == 0 else node.comparators[i - 1]
            for name, table in (("comparison", FLIP), ("boundary", BOUNDARY)):
                new = table.get(type(op))
                if new:
                    where = gap(left, node.comparators[i], type(op), new)
                    yield name, set_item(node.ops, i, new()), where
    elif isinstance(node, ast.BinOp | ast.AugAssign):
        left = node.left if isinstance(node, ast.BinOp) else node.target
        right = node.right if isinstance(node, ast.BinOp) else node.value
        for name, table in (("arithmetic", ARITHMETIC), ("and-or", AND_OR)):
            new = table.get(type(node.op))
            if new:
                yield name, set_attr(node, "op", new()), gap(left, right, type(node.op), new)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value + 1 if type(node.value) is int else float(f"{node.value * 1.1:.12g}")
        if value != node.value:
            yield (
                "constant",
                set_attr(node, "value", value),
                (src.start(node), src.end(node), repr(value)),
            )
    elif isinstance(node, ast.Call):
        yield from _call_edits(node, src, set_attr, set_item)


def _call_edits(node: ast.Call, src: _Source, set_attr, set_item):
    func, name = node.func, _name(node.func)
    tail = (src.end(func) - len(name), src.end(func))
    if isinstance(func, ast.Attribute):
        for new in AGGREGATES.get(name, []):
            yield "aggregate", set_attr(func, "attr", new), (*tail, new)
        if name in RENAMES:
            operator, new = RENAMES[name]
            yield operator, set_attr(func, "attr", new), (*tail, new)
        if name in DROPPED:
            yield (
                "dropped",
                _replace_call(node),
                (
                    src.start(node),
                    src.end(node),
                    src.segment(src.start(func.value), src.end(func.value)),
                ),
            )
    elif name in ("max", "min"):
        new = AGGREGATES[name][0]
        yield "aggregate", set_attr(func, "id", new), (*tail, new)
    if name in AGG_CALLS or any(k.arg == "aggfunc" for k in node.keywords):
        named = name in AGG_CALLS
        for arg in [*node.args, *(k.value for k in node.keywords if named or k.arg == "aggfunc")]:
            for const in ast.walk(arg):
                if isinstance(const, ast.Constant) and const.value in AGGREGATES:
                    a, b = src.start(const), src.end(const)
                    quote = src.segment(a, a + 1)  # keep the cell's quotes
                    for new in AGGREGATES[const.value]:
                        edit = (a, b, f"{quote}{new}{quote}")
                        yield "aggregate", set_attr(const, "value", new), edit
    flag = "ascending" if name in SORTS else "reverse" if name == "sorted" else None
    for i, kw in enumerate(node.keywords):
        if flag and kw.arg == flag:
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool):
                new = not kw.value.value
                yield (
                    "sort",
                    set_attr(kw.value, "value", new),
                    (src.start(kw.value), src.end(kw.value), str(new)),
                )
            flag = None
        elif kw.arg == "normalize":
            yield (
                "normalize",
                set_item(node.keywords, slice(i, i + 1), []),
                _drop_keyword(node, i, src),
            )
    if flag and (name != "sorted" or isinstance(func, ast.Name)):
        value = "False" if flag == "ascending" else "True"
        added = ast.keyword(arg=flag, value=ast.Constant(value=value == "True"))
        comma = ", " if node.args or node.keywords else ""
        at = src.end(node) - 1
        yield (
            "sort",
            set_item(node.keywords, slice(len(node.keywords), None), [added]),
            (at, at, f"{comma}{flag}={value}"),
        )


def _replace_call(call: ast.Call):
    """Make ``call`` stand for its receiver (``x.dropna()`` -> ``x``) by swapping its fields."""

    def apply():
        receiver = call.func.value
        saved = dict(call.__dict__)
        call.__class__ = type(receiver)
        call.__dict__.clear()
        call.__dict__.update(receiver.__dict__)

        def undo():
            call.__class__ = ast.Call
            call.__dict__.clear()
            call.__dict__.update(saved)

        return undo

    return apply


def _drop_keyword(call: ast.Call, i: int, src: _Source):
    items = sorted([*call.args, *call.keywords], key=src.start)
    at = next(j for j, it in enumerate(items) if it is call.keywords[i])
    if at > 0:
        return (src.end(items[at - 1]), src.end(items[at]), "")
    if at + 1 < len(items):
        return (src.start(items[at]), src.start(items[at + 1]), "")
    return (src.start(items[at]), src.end(items[at]), "")


def mutate(source: str) -> list[Mutation]:
    """Every single-change mutant of the solution region(s) of one code cell, in source order.
    A cell that does not parse as Python (magics) or has no solution region gives none."""
    regions = solution_lines(source)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    if not regions:
        return []
    src, out, plain = _Source(source), [], ast.unparse(tree)
    for node in _candidates(tree, regions):
        for operator, apply, (a, b, new) in _edits(node, src):
            undo = apply()
            want, fallback = ast.dump(tree), ast.unparse(tree)
            undo()
            text, base = src.splice(a, b, new), source
            if _dump(text) != want:  # precedence: bracket the whole changed node
                start, end = src.start(node), src.end(node)
                inner = src.segment(start, a) + new + src.segment(b, end)
                text = src.splice(start, end, f"({inner})")
            if _dump(text) != want:  # last resort: the whole cell unparsed (comments lost)
                text, base = fallback, plain
            out.append((a, _mutation(operator, base, text)))
    return [m for _, m in sorted(out, key=lambda am: (am[1].line, am[0]))]


def _dump(text: str) -> str | None:
    try:
        return ast.dump(ast.parse(text))
    except SyntaxError:
        return None


def _mutation(operator: str, before: str, after: str) -> Mutation:
    old, new = before.splitlines(), after.splitlines()
    i = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    starts = [n.lineno - 1 for n in ast.walk(ast.parse(before)) if isinstance(n, ast.stmt)]
    first = max((s for s in starts if s <= i), default=i)  # the changed statement from its start
    line_before = " ".join(x.strip() for x in old[first : i + 1])
    line_after = " ".join(x.strip() for x in new[first : i + 1])
    return Mutation(operator, i + 1, line_before, line_after, after)
