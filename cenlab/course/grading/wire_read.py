"""Reading ``wire`` bytes: the format's limits and tags, and ``loads``.

Split from ``wire`` (which writes): see its docstring for the format. Everything here reads
attacker input from a trainee's kernel and must stay safe on any bytes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import functools
import json
import re
import zoneinfo

import numpy as np
import pandas as pd
import pyarrow as pa

MAGIC = b"CENWIRE1"
MAX_DEPTH, MAX_ITEMS = 64, 10_000_000
MAX_FRACTION_BITS = 100_000  # normalising a larger fraction could take minutes
MAX_COLLISIONS = 1_000  # keys of a set or dict with equal hashes: hash flooding makes many
DTYPE = re.compile(r"[<>|](b1|[iu][1248]|f(2|4|8|16)|c(8|16|32)|[Mm]8(\[\d{0,9}[a-zA-Z]{1,2}\])?|[SUV]\d{1,9})")  # fmt: skip
FREQ = re.compile(r"\d{0,9}[A-Za-z]{1,9}(-[A-Za-z]{3})?")
MASKED = {f"{u}Int{b}": pd.arrays.IntegerArray for u in ("", "U") for b in (8, 16, 32, 64)}
MASKED |= {"Float32": pd.arrays.FloatingArray, "Float64": pd.arrays.FloatingArray}
MASKED |= {"boolean": pd.arrays.BooleanArray}  # the nullable pandas dtypes -> their array class
_zones = functools.cache(lambda: frozenset(zoneinfo.available_timezones()))  # read once, if used
ARROW_TYPES = {  # pyarrow-backed column types that cross, by their name
    str(t): t
    for t in [pa.bool_(), pa.string(), pa.large_string(), pa.float32(), pa.float64()]
    + [getattr(pa, f"{u}int{b}")() for u in ("", "u") for b in (8, 16, 32, 64)]
}
DAMAGE = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError, NotImplementedError, pa.ArrowException)  # fmt: skip


class WireError(ValueError):
    """Bytes that cannot be read: damaged, too big, too deep, or of an unknown kind."""


def _show(text) -> str:
    return repr(str(text)[:40])


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _damaged(ok, what: str) -> None:
    if not ok:
        raise WireError(f"the data is damaged: {what}")


def _ndarray(dtype: str, shape: tuple, raw: memoryview) -> np.ndarray:
    kind = np.dtype(dtype) if isinstance(dtype, str) and DTYPE.fullmatch(dtype) else None
    if kind is None or kind.str != dtype:
        raise WireError(f"the data holds an array of a refused type {_show(dtype)}")
    array = np.frombuffer(raw, kind).reshape(shape).copy()
    if array.size and kind.kind == "U":  # numpy would fail later, on reading a bad character
        _damaged(array.reshape(-1).view(kind.str[0] + "u4").max() <= 0x10FFFF, "bad characters")
    return array.view(np.uint8) != 0 if kind.kind == "b" else array  # a bool byte may hold 2..255


def _unique(keys: tuple) -> tuple:
    """Refuse the many equal hashes of a hash-flooding attack (sets and dicts go quadratic)."""
    if len(keys) > MAX_COLLISIONS:
        hashes = np.fromiter(map(hash, keys), np.int64, len(keys))
        _damaged(len(keys) - len(np.unique(hashes)) <= MAX_COLLISIONS, "too many equal hashes")
    return keys


def _dict(*items) -> dict:
    _damaged(len(items) % 2 == 0, "a dict has a key without a value")
    return dict(zip(_unique(items[::2]), items[1::2]))


def _arrow(offsets: np.ndarray, utf8: memoryview, null: np.ndarray) -> pa.Array:
    buffers = [pa.array(~null).buffers()[1], pa.py_buffer(offsets), pa.py_buffer(utf8)]
    text = pa.Array.from_buffers(pa.large_string(), len(null), buffers)
    text.validate(full=True)
    return text


def _plain_index(values, name, freq) -> pd.Index:
    idx = pd.Index(values, dtype=values.dtype, name=name, copy=False, tupleize_cols=False)
    return idx if freq is None else type(idx)(idx, freq=_freq(freq))


def _frame_of(columns: pd.Index, index: pd.Index, *data) -> pd.DataFrame:
    series = {i: pd.Series(c, dtype=c.dtype, copy=False) for i, c in enumerate(data)}
    df = pd.DataFrame(series, index=pd.RangeIndex(len(index)))
    df.index, df.columns = index, columns
    return df


def _local(utc, tz):
    return utc.tz_localize("UTC").tz_convert(_zone(tz))  # a Timestamp or a DatetimeIndex


def _fraction(top: int, bottom: int) -> fractions.Fraction:
    _damaged(max(top.bit_length(), bottom.bit_length()) <= MAX_FRACTION_BITS, "a huge fraction")
    return fractions.Fraction(top, bottom)


def _zone(value):
    if value is None or isinstance(value, str) and value in _zones():
        return value and zoneinfo.ZoneInfo(value)
    if _is_int(value):
        return dt.timezone(dt.timedelta(microseconds=value))
    raise WireError(f"the data names an unknown time zone {_show(value)}")


def _freq(value) -> str:
    _damaged(isinstance(value, str) and FREQ.fullmatch(value), "a frequency")
    return value


def _from_arrow(name, *fields):
    _damaged(name in ARROW_TYPES, "an arrow type")
    if name in ("string", "large_string"):
        arr = _arrow(*fields).cast(ARROW_TYPES[name])
    else:
        data, null = fields
        arr = pa.array(data, mask=null, type=ARROW_TYPES[name])
    return pd.arrays.ArrowExtensionArray(arr)


DECODERS = {  # tag -> how to build the value from its decoded fields
    "int": lambda digits: int(digits, 16),
    "float": float.fromhex,
    "complex": lambda real, imag: complex(float.fromhex(real), float.fromhex(imag)),
    "bytes": lambda raw: raw.tobytes(),  # not bytes(x, y): that looks a codec up by name
    "list": lambda *items: list(items),
    "tuple": lambda *items: items,
    "set": lambda *items: set(_unique(items)),
    "frozenset": lambda *items: frozenset(_unique(items)),
    "dict": _dict,
    "nd": _ndarray,
    "np": lambda array: array.reshape(())[()],
    "obj": lambda shape, items: np.fromiter(items, object, len(items)).reshape(shape),
    "strs": lambda nan, *text: np.where(nan, np.nan, _arrow(*text).to_numpy(zero_copy_only=False)),
    "string": lambda storage, na, *text: pd.StringDtype(storage, na).__from_arrow__(_arrow(*text)),
    "cat": lambda codes, cats, ordered: pd.Categorical.from_codes(codes, cats, ordered=ordered),
    "masked": lambda name, data, mask: MASKED[name](data, mask),
    "arrow": _from_arrow,
    "periods": lambda freq, ordinals: pd.arrays.PeriodArray(
        ordinals.astype(np.int64, copy=False), dtype=pd.PeriodDtype(_freq(freq))
    ),
    "dttz": lambda tz, utc: _local(pd.DatetimeIndex(utc), tz).array,
    "index": _plain_index,
    "rangeindex": lambda start, stop, step, name: pd.RangeIndex(start, stop, step, name=name),
    "multi": lambda names, levels, codes: pd.MultiIndex(levels, codes, names=names),
    "series": lambda v, i, name: pd.Series(v, index=i, name=name, dtype=v.dtype, copy=False),
    "frame": _frame_of,
    "ts": lambda value, unit, tz: _local(pd.Timestamp(np.datetime64(value, unit)), tz),
    "td": lambda value, unit: pd.Timedelta(np.timedelta64(value, unit)),
    "period": lambda ordinal, freq: pd.Period(ordinal=ordinal, freq=_freq(freq)),
    "nat": lambda: pd.NaT,
    "na": lambda: pd.NA,
    "datetime": lambda iso, tz, f: dt.datetime.fromisoformat(iso).replace(tzinfo=_zone(tz), fold=f),
    "time": lambda iso, tz, f: dt.time.fromisoformat(iso).replace(tzinfo=_zone(tz), fold=f),
    "date": dt.date.fromisoformat,
    "timedelta": dt.timedelta,
    "decimal": decimal.Decimal,
    "fraction": _fraction,
    "range": range,
    "slice": slice,
}


class _Reader:
    def __init__(self, blobs: memoryview, remote):
        self.blobs, self.remote, self.count = blobs, remote, 0

    def tick(self, count: int) -> None:
        self.count += count
        if self.count > MAX_ITEMS:
            raise WireError(f"the data holds more than {MAX_ITEMS} elements")

    def node(self, x, depth: int):
        self.tick(1)
        if depth > MAX_DEPTH:
            raise WireError(f"the data is nested deeper than {MAX_DEPTH} levels")
        if x is None or isinstance(x, (bool, str)) or _is_int(x):
            return x
        _damaged(isinstance(x, list) and x and isinstance(x[0], str), "a value has no tag")
        tag, fields = x[0], [self.node(field, depth + 1) for field in x[1:]]
        if tag in ("blob", "handle"):  # the two that read the input or call the test kernel
            return getattr(self, tag)(*fields)
        if tag not in DECODERS:
            raise WireError(f"the data holds a value of unknown kind {_show(tag)}")
        value = DECODERS[tag](*fields)
        self.tick(len(value) if isinstance(value, (range, pd.RangeIndex)) else 0)  # lazy, so far
        return value

    def blob(self, offset: int, length: int) -> memoryview:
        _damaged(_is_int(offset) and _is_int(length) and min(offset, length) >= 0, "a blob")
        _damaged(offset + length <= len(self.blobs), "a blob reference points past the end")
        return self.blobs[offset : offset + length]

    def handle(self, ident: int, module: str, qualname: str, is_callable: bool):
        ok = _is_int(ident) and isinstance(module, str) and isinstance(qualname, str)
        _damaged(ok and isinstance(is_callable, bool), "a handle reference")
        if self.remote is None:
            raise WireError(f"the data refers to a live {_show(qualname)} object, not to data")
        ref = {"id": ident, "module": module, "qualname": qualname, "callable": is_callable}
        return self.remote(ref)


def loads(data: bytes, *, max_bytes: int = 256 * 2**20, remote=None):
    """Decode bytes from ``dumps``; a handle reference becomes ``remote(ref)``. Raises WireError."""
    data = memoryview(data).cast("B")
    size = int.from_bytes(data[8:16], "little")
    if len(data) > max_bytes or len(data) >= 16 and size > max_bytes:
        what = "is" if len(data) > max_bytes else "declares a header of"
        raise WireError(f"the data {what} more than the limit of {max_bytes} bytes")
    if data[:8] != MAGIC[: len(data)] or not data:
        raise WireError("this is not cenlab wire data: it does not start with CENWIRE1")
    if len(data) < 16 or size > len(data) - 16:
        raise WireError("the data is truncated: it ends inside its header")
    header, blobs = bytes(data[16 : 16 + size]), data[16 + size :]
    if header.count(b",") >= MAX_ITEMS:
        raise WireError(f"the data holds more than {MAX_ITEMS} elements")
    try:
        tree = json.loads(header.decode("ascii"))
    except RecursionError:
        raise WireError(f"the data is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise WireError("the data is damaged: its header is not JSON") from None
    if not (isinstance(tree, dict) and set(tree) == {"root", "blob_bytes"}):
        raise WireError("the data is damaged: its header is not a cenlab wire header")
    if tree["blob_bytes"] != len(blobs) or not _is_int(tree["blob_bytes"]):
        raise WireError("the data is truncated: it ends inside its blobs")
    try:
        return _Reader(blobs, remote).node(tree["root"], 0)
    except DAMAGE as exc:  # a library refused a part: the data is damaged (WireError passes too)
        if isinstance(exc, WireError):
            raise
        detail = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise WireError(f"the data is damaged: {detail}") from None
