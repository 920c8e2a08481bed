"""Values cross from the trainee kernel to the test kernel as data: ``dumps`` there, ``loads`` here.

The trainee kernel may be hostile, so ``loads`` reads attacker input: it never unpickles, never
imports or calls what the data names, bounds size, depth and element count, and raises
``WireError`` (one plain line). Format: ``MAGIC``, an 8-byte little-endian header length, an ASCII
JSON header ``{"root": node, "blob_bytes": n}``, then n bytes of blobs. JSON null, booleans, strings
and 64-bit integers stand for themselves; any other value is ``[tag, *fields]``, each field a value
(``DECODERS``). Arrays are raw bytes of a whitelisted dtype, text columns Arrow large_string buffers
checked by Arrow; frames, series and indexes are rebuilt from parts, not from metadata naming types.
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import json
import zoneinfo

import numpy as np
import pandas as pd
import pyarrow as pa

from cenlab.course.grading.wire_read import (  # noqa: F401 - the format, and reading it
    ARROW_TYPES,
    DAMAGE,
    DECODERS,
    DTYPE,
    FREQ,
    MAGIC,
    MASKED,
    MAX_COLLISIONS,
    MAX_DEPTH,
    MAX_FRACTION_BITS,
    MAX_ITEMS,
    WireError,
    _is_int,
    _show,
    _zones,
    loads,
)

HINT = "cannot be read by the tests: give a number, text, list, dict, array, Series or DataFrame"


class NotData(TypeError):
    """A value the tests cannot read as data."""


class _Encoder:
    def __init__(self, handles):
        self.handles, self.blobs, self.size = handles, [], 0

    def node(self, value, depth: int):
        if depth > MAX_DEPTH:
            raise NotData(f"the value is nested deeper than {MAX_DEPTH} levels: the tests cannot read it")  # fmt: skip
        kind, encode = type(value), _encoder_for(type(value))
        if encode is not None:
            return encode(self, value, depth + 1)
        if self.handles is None:
            name = kind.__qualname__
            raise NotData(f"{'an' if name[:1] in 'AEIOUaeiou' else 'a'} {name} object {HINT}")
        ident = int(self.handles.add(value))
        return ["handle", ident, str(kind.__module__), str(kind.__qualname__), callable(value)]

    def blob(self, buffer) -> list:
        self.blobs.append(memoryview(buffer).cast("B"))
        self.size += len(self.blobs[-1])
        return ["blob", self.size - len(self.blobs[-1]), len(self.blobs[-1])]

    def nd(self, array: np.ndarray) -> list:
        kind = array.dtype
        if kind.kind not in "biufcMmSUV" or kind.fields is not None or kind.itemsize == 0:
            raise NotData(f"an array of {kind} {HINT}")
        array = np.asarray(array, order="C")
        raw = self.blob(array.reshape(-1).view(np.uint8))
        return ["nd", kind.str, self.node(array.shape, 0), raw]

    def each(self, tag: str, values, depth: int) -> list:
        return [tag, *(self.node(x, depth) for x in values)]


def _array(e, v, d):
    v = np.asarray(v)
    if v.dtype != object:
        return e.nd(v)
    return _strings(e, v) or ["obj", e.node(v.shape, d), e.each("list", v.ravel(), d)]


def _strings(e, a: np.ndarray):
    """Text with None or NaN for missing, in one vectorised pass; None if ``a`` is not that."""
    if a.ndim != 1 or pd.api.types.infer_dtype(a, skipna=True) not in ("string", "empty"):
        return None
    null = pd.isna(a)
    none = np.fromiter((x is None for x in a[null]), bool, int(null.sum()))
    if not all(type(x) is float for x in a[null][~none]):
        return None
    try:
        text = pa.array(np.where(null, None, a), type=pa.large_string())
    except (pa.ArrowException, UnicodeError, TypeError, ValueError):
        return None  # e.g. lone surrogates: the caller goes element by element
    nan = np.zeros(len(a), bool)
    nan[np.flatnonzero(null)[~none]] = True
    return ["strs", e.nd(nan), *_text(e, text)]


def _text(e, text) -> list:
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    text = text.cast(pa.large_string())
    n, (_, offsets, data) = len(text), text.buffers()
    offsets = np.frombuffer(offsets, np.int64)[text.offset :][: n + 1] if n else np.zeros(1, int)
    utf8 = data[int(offsets[0]) : int(offsets[-1])] if data is not None else b""
    null = text.is_null().to_numpy(zero_copy_only=False)
    return [e.nd(offsets - offsets[0]), e.blob(utf8), e.nd(null)]


def _values(e, v, d) -> list:
    v = v.to_numpy() if isinstance(v, pd.arrays.NumpyExtensionArray) else v
    kind = v.dtype
    if isinstance(kind, np.dtype):
        return _array(e, v, d)
    if isinstance(kind, pd.CategoricalDtype):
        return ["cat", e.nd(np.asarray(v.codes)), _index(e, kind.categories, d), bool(kind.ordered)]
    if isinstance(kind, pd.StringDtype):
        return ["string", kind.storage, e.node(kind.na_value, d), *_text(e, pa.array(v))]
    if isinstance(kind, pd.DatetimeTZDtype):
        return ["dttz", _tz(kind.tz), e.nd(pd.DatetimeIndex(v).tz_convert(None).to_numpy())]
    if isinstance(kind, pd.PeriodDtype) and FREQ.fullmatch(v.freqstr):
        return ["periods", v.freqstr, e.nd(np.asarray(v.asi8))]
    if isinstance(kind, pd.ArrowDtype) and str(kind.pyarrow_dtype) in ARROW_TYPES:
        return _arrow_values(e, v, str(kind.pyarrow_dtype))
    if str(kind) in MASKED:
        data = v.to_numpy(dtype=kind.numpy_dtype, na_value=False if kind == "boolean" else 0)
        return ["masked", str(kind), e.nd(data), e.nd(np.asarray(v.isna()))]
    raise NotData(f"values of type {kind} {HINT}")


def _arrow_values(e, v, name: str) -> list:
    """pyarrow-backed values of a plain type (``astype("string")`` comparisons give
    ``bool[pyarrow]``): text as text, the rest as numbers and a missing mask."""
    arr = pa.chunked_array(v._pa_array).combine_chunks()
    if name in ("string", "large_string"):
        return ["arrow", name, *_text(e, arr)]
    null = arr.is_null().to_numpy(zero_copy_only=False)
    data = arr.fill_null(False if name == "bool" else 0).to_numpy(zero_copy_only=False)
    return ["arrow", name, e.nd(np.asarray(data)), e.nd(null)]


def _index(e, idx: pd.Index, d) -> list:
    if isinstance(idx, pd.RangeIndex):
        return ["rangeindex", idx.start, idx.stop, idx.step, e.node(idx.name, d)]
    if isinstance(idx, pd.MultiIndex):
        levels, codes = [_index(e, x, d) for x in idx.levels], e.each("list", idx.codes, d)
        return ["multi", e.node(list(idx.names), d), ["list", *levels], codes]
    freq = idx.freqstr if isinstance(idx, (pd.DatetimeIndex, pd.TimedeltaIndex)) else None
    freq = freq if freq and FREQ.fullmatch(freq) else None
    return ["index", _values(e, idx.array, d), e.node(idx.name, d), freq]


def _frame(e, df: pd.DataFrame, d) -> list:
    out = ["frame", _index(e, df.columns, d), _index(e, df.index, d)]
    for i, kind in enumerate(df.dtypes):
        try:
            out.append(_values(e, df.iloc[:, i].array, d))
        except NotData:
            raise NotData(
                f"the column {df.columns[i]!r} holds {kind} values, which {HINT}"
            ) from None
    return out


def _tz(tz):
    if tz is None or isinstance(tz, zoneinfo.ZoneInfo) and tz.key in _zones():
        return tz and tz.key
    if isinstance(tz, dt.timezone):
        return tz.utcoffset(None) // dt.timedelta(microseconds=1)
    raise NotData(f"the time zone {tz} cannot be read by the tests: use zoneinfo or an offset")


def _clock(tag):
    return lambda e, v, d: [tag, v.replace(tzinfo=None).isoformat(), _tz(v.tzinfo), v.fold]


ENCODERS = {  # a value's class is looked up along its MRO: subclasses cross as their base
    type(None): lambda e, v, d: None,
    bool: lambda e, v, d: bool(v),
    int: lambda e, v, d: int(v) if -(2**63) <= v < 2**63 else ["int", format(int(v), "x")],
    float: lambda e, v, d: ["float", float.hex(v)],
    complex: lambda e, v, d: ["complex", v.real.hex(), v.imag.hex()],
    str: lambda e, v, d: str.__str__(v),
    bytes: lambda e, v, d: ["bytes", e.blob(bytes(v))],
    **{t: lambda e, v, d, tag=t.__name__: e.each(tag, v, d) for t in (list, tuple, set, frozenset)},
    dict: lambda e, v, d: e.each("dict", (x for kv in dict.items(v) for x in kv), d),
    np.ndarray: _array,
    pd.DataFrame: _frame,
    pd.Series: lambda e, v, d: e.each("series", (v.array, v.index, v.name), d),
    pd.Index: _index,
    pd.api.extensions.ExtensionArray: _values,
    pd.Timestamp: lambda e, v, d: ["ts", int(v.asm8.view("i8")), v.unit, _tz(v.tz)],
    pd.Timedelta: lambda e, v, d: ["td", int(v.asm8.view("i8")), v.unit],
    pd.Period: lambda e, v, d: ["period", v.ordinal, v.freqstr],
    type(pd.NaT): lambda e, v, d: ["nat"],
    type(pd.NA): lambda e, v, d: ["na"],
    dt.datetime: _clock("datetime"),
    dt.time: _clock("time"),
    dt.date: lambda e, v, d: ["date", v.isoformat()],
    dt.timedelta: lambda e, v, d: ["timedelta", v.days, v.seconds, v.microseconds],
    decimal.Decimal: lambda e, v, d: ["decimal", str(v)],
    fractions.Fraction: lambda e, v, d: e.each("fraction", (v.numerator, v.denominator), d),
    range: lambda e, v, d: e.each("range", (v.start, v.stop, v.step), d),
    slice: lambda e, v, d: e.each("slice", (v.start, v.stop, v.step), d),
}


def _encoder_for(kind: type):
    if issubclass(kind, np.generic):  # before the builtins: np.float64 is a float, np.str_ a str
        return lambda e, v, d: ["np", e.nd(np.asarray(v))]
    return next((ENCODERS[base] for base in kind.__mro__ if base in ENCODERS), None)


def dumps(value, *, handles=None) -> bytes:
    """Encode ``value``; a leaf that is not data goes to ``handles.add`` or raises NotData."""
    encoder = _Encoder(handles)
    tree = {"root": encoder.node(value, 0), "blob_bytes": encoder.size}
    header = json.dumps(tree, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()
    return b"".join([MAGIC, len(header).to_bytes(8, "little"), header, *encoder.blobs])
