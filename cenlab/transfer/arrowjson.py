"""Arrow text and JSON written a column at a time: the transfer's fast paths for text.

A million records are joined into JSON by Arrow compute functions, never row by row in Python.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CHUNK, S = 100_000, pa.large_string()


def arrow_text(values) -> pa.Array:
    """Values as one Arrow large-string array (numbers among text as Python writes them)."""
    try:
        text = pa.array(values, S, from_pandas=True).cast(S)
        return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers among the text: as Python writes them
        return pa.array([None if pd.isna(v) else str(v) for v in values], S)


def arrow_str(text: str) -> pa.Scalar:
    return pa.scalar(text, S)


def write_json(arrays: dict, path: Path) -> None:
    """``{"columns": [...], "data": [[...], ...]}``, as ``pd.read_json(path, orient="split")``
    reads it: rows joined by Arrow in chunks, each distinct code made JSON once."""
    columns, n = [_json_column(a) for a in arrays.values()], len(next(iter(arrays.values())))
    with open(path, "wb") as f:
        f.write(f'{{"columns": {json.dumps(list(arrays))}, "data": ['.encode())
        for start in range(0, n, CHUNK):
            parts = [pc.fill_null(text(slice(start, start + CHUNK)), "null") for text in columns]
            parts[0] = pc.binary_join_element_wise(arrow_str(",\n["), parts[0], arrow_str(""))
            parts[-1] = pc.binary_join_element_wise(parts[-1], arrow_str("]"), arrow_str(""))
            line = pc.binary_join_element_wise(*parts, arrow_str(","))
            offsets = np.frombuffer(line.buffers()[1], np.int64)[line.offset :][[0, len(line)]]
            first = offsets[0] + (start == 0)  # the very first row takes no comma
            f.write(memoryview(line.buffers()[2])[first : offsets[1]])
        f.write(b"\n]}\n")


def _json_column(values: pa.Array):
    """rows -> JSON text of a column (null where missing)."""
    if pa.types.is_dictionary(values.type):
        text, codes = quoted(values.dictionary.cast(S)), values.indices
        return lambda rows: text.take(codes[rows])
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return lambda rows: quoted(values[rows].cast(S))
    if pa.types.is_date(values.type):
        return lambda rows: quoted(values[rows].cast(pa.string()).cast(S))
    return lambda rows: values[rows].cast(S)  # numbers and true/false


def quoted(text: pa.Array) -> pa.Array:
    """JSON strings: escaped and in double quotes."""
    if pc.any(pc.match_substring_regex(text, r'["\\\x00-\x1f]')).as_py():
        text = pc.replace_substring(pc.replace_substring(text, "\\", "\\\\"), '"', '\\"')
        for c in range(32):
            text = pc.replace_substring(text, chr(c), f"\\u{c:04x}")
    return pc.binary_join_element_wise(arrow_str('"'), text, arrow_str('"'), arrow_str(""))


def one_list(values: pa.Array) -> pa.Array:
    return pa.LargeListArray.from_arrays(pa.array([0, len(values)], pa.int64()), values)
