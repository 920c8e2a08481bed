"""cenlab.course.grading.wire: do values cross from the trainee kernel as exact data, and does
``loads`` refuse every damaged, oversized or hostile input with a one-line WireError, importing
and calling nothing?
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import json
import subprocess
import sys
import zoneinfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cenlab.course.grading import wire, wire_read
from cenlab.course.grading.wire import NotData, WireError, dumps, loads

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def roundtrip(value):
    return loads(dumps(value))


def crafted(root, blobs: bytes = b"") -> bytes:
    """Bytes in the wire format around a hand-made header tree (what a hostile kernel can send)."""
    header = json.dumps({"root": root, "blob_bytes": len(blobs)}).encode()
    return wire.MAGIC + len(header).to_bytes(8, "little") + header + blobs


def refused(data: bytes, **kwargs) -> str:
    with pytest.raises(WireError) as info:
        loads(data, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message
    return message


# --- exact round trips ---------------------------------------------------------------------

SCALARS = [
    None, True, False, 0, -7, 2**63 - 1, -(2**63), 2**63, -(10**400), 1.5, -0.0, float("inf"),
    float("-inf"), 1e-320, 3 - 4j, "", "héllo ✓ 𝄞", "lone \ud800 surrogate", b"", b"\x00\xff",
    np.int8(-3), np.uint64(2**64 - 1), np.float16(0.5), np.float32(1.25), np.float64(2.5),
    np.complex64(1 + 2j), np.bool_(True), np.str_("ab"), np.bytes_(b"xy"),
    np.datetime64("2024-02-29T12:00", "m"), np.timedelta64(5, "ms"), np.datetime64("NaT", "ns"),
    pd.Timestamp("2024-07-01 12:00", tz=PARIS), pd.Timestamp("2024-01-01 10:00").as_unit("s"),
    pd.Timestamp("2024-01-01", tz="UTC"), pd.Timedelta("1D 2h"), pd.Period("2024-02", "M"),
    pd.Period("2024Q1", "Q"), dt.date(2024, 2, 29), dt.datetime(2024, 1, 2, 3, 4, 5, 6),
    dt.datetime(2024, 10, 27, 2, 30, tzinfo=PARIS, fold=1),
    dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
    dt.time(23, 59, 59, 999999), dt.timedelta(days=-1, seconds=5, microseconds=7),
    decimal.Decimal("1.10"), decimal.Decimal("-Infinity"), decimal.Decimal("sNaN"),
    fractions.Fraction(-22, 7), range(3, 30, 4), slice(None, -1, 2), slice("a", 1.5, None),
]  # fmt: skip


@pytest.mark.parametrize("value", SCALARS, ids=lambda v: f"{type(v).__name__}:{v!r}"[:40])
def test_a_scalar_crosses_as_the_same_type_and_value(value):
    back = roundtrip(value)
    assert type(back) is type(value)
    assert repr(back) == repr(value)
    if isinstance(value, dt.datetime):
        assert (back.tzinfo, back.fold) == (value.tzinfo, value.fold)


def test_missing_values_and_float_specials_keep_their_identity():
    assert roundtrip(pd.NA) is pd.NA and roundtrip(pd.NaT) is pd.NaT
    back = roundtrip(float("nan"))
    assert type(back) is float and np.isnan(back)
    assert str(roundtrip(-0.0)) == "-0.0"
    assert type(roundtrip(np.float64("nan"))) is np.float64


def test_containers_keep_types_order_and_key_kinds():
    value = {
        "a": [1, (2, 3), {4, 5}, frozenset({6})],
        7: None,
        2.5: "x",
        True: b"t",
        None: [],
        ("k", 1, None): {"nested": [[[]]]},
    }
    back = roundtrip(value)
    assert back == value
    assert list(back) == list(value)
    assert [type(x) for x in back["a"]] == [int, tuple, set, frozenset]


def test_subclasses_cross_as_their_plain_base_without_their_methods():
    class Sneaky(list):
        def __eq__(self, other):
            return True

    class MyFrame(pd.DataFrame):
        pass

    assert type(roundtrip(Sneaky([1, 2]))) is list
    assert roundtrip(Sneaky([1, 2])) != [9]
    frame = roundtrip(MyFrame({"a": [1]}))
    assert type(frame) is pd.DataFrame
    assert type(roundtrip({"k": MyFrame({"a": [1]})["a"]})["k"]) is pd.Series


ARRAYS = [
    np.arange(12, dtype=np.int64).reshape(3, 4),
    np.arange(12, dtype=">i4").reshape(2, 3, 2)[:, ::-1],  # big-endian, not contiguous
    np.array(3.5),
    np.array([], dtype=np.float32),
    np.zeros((0, 5), dtype=np.uint16),
    np.array([True, False]),
    np.array([1 + 2j, np.nan], dtype=np.complex128),
    np.array([0.5, -np.inf], dtype=np.float16),
    np.array(["a", "ünï", ""]),
    np.array([b"ab", b""]),
    np.array(["2024-01-01", "NaT"], dtype="datetime64[s]"),
    np.array([1, -2], dtype="timedelta64[us]"),
    np.array([b"\x00\x01"], dtype="V2"),
    np.asfortranarray(np.arange(6.0).reshape(2, 3)),
]


@pytest.mark.parametrize("array", ARRAYS, ids=lambda a: f"{a.dtype.str}{a.shape}")
def test_an_array_crosses_with_its_dtype_and_shape(array):
    back = roundtrip(array)
    assert type(back) is np.ndarray
    assert (back.dtype, back.shape) == (array.dtype, array.shape)
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_an_object_array_is_rebuilt_element_by_element():
    array = np.empty((2, 2), dtype=object)
    array[:] = [[1, "a"], [None, (1, 2)]]
    back = roundtrip(array)
    assert (back.dtype, back.shape) == (np.dtype(object), (2, 2))
    assert back.tolist() == [[1, "a"], [None, (1, 2)]]
    text = np.array(["x", None, np.nan, "ÿ"], dtype=object)  # the vectorised path
    back = roundtrip(text)
    assert back.dtype == object and back[:2].tolist() == ["x", None] and back[3] == "ÿ"
    assert type(back[2]) is float and np.isnan(back[2])


def sample_frame() -> pd.DataFrame:
    n = 4
    return pd.DataFrame(
        {
            "int": np.arange(n, dtype=np.int32),
            "float": [1.5, np.nan, -0.0, np.inf],
            "bool": [True, False, True, True],
            "str": pd.array(["a", None, "ç", ""], dtype="str"),
            "string": pd.array(["a", None, "b", "c"], dtype="string"),
            "string_arrow": pd.array(["a", None, "b", "c"], dtype="string[pyarrow]"),
            "mixed": np.array([1, "two", 3.0, None], dtype=object),
            "cat": pd.Categorical(["lo", "hi", None, "lo"], categories=["lo", "hi"], ordered=True),
            "Int64": pd.array([1, None, 3, 4], dtype="Int64"),
            "UInt8": pd.array([1, None, 3, 255], dtype="UInt8"),
            "Float64": pd.array([0.5, None, 1.0, 2.0], dtype="Float64"),
            "boolean": pd.array([True, None, False, True], dtype="boolean"),
            "naive": pd.date_range("2024-01-01", periods=n, freq="h"),
            "seconds": pd.date_range("2024-01-01", periods=n, freq="D", unit="s"),
            "paris": pd.date_range("2024-03-31", periods=n, freq="h", tz=PARIS),
            "utc": pd.date_range("2024-01-01", periods=n, tz="UTC"),
            "delta": pd.to_timedelta([1, 2, None, 4], unit="s"),
            "complex": np.array([1j, 2, 3, 4]),
            7: np.arange(n),
            ("a", 1): np.arange(n) * 2,
        },
        index=pd.Index([10, 20, 30, 40], name="seizure_id"),
    ).assign(object_text=lambda f: pd.Series(["x", None, np.nan, "z"], f.index, dtype=object))


def test_a_dataframe_with_every_common_column_kind_crosses_exactly():
    frame = sample_frame()
    back = roundtrip(frame)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert list(back.dtypes) == list(frame.dtypes)
    assert back["object_text"].iloc[1] is None and np.isnan(back["object_text"].iloc[2])
    assert back["mixed"].tolist()[:3] == [1, "two", 3.0]


@pytest.mark.parametrize(
    "make",
    [
        lambda f: f.groupby("bool").agg({"int": ["sum", "mean"], "float": ["max"]}),
        lambda f: f.set_index(["cat", "str"]),
        lambda f: f.set_index("naive"),
        lambda f: f[["int", "float"]].set_axis(["x", "x"], axis=1),
        lambda f: f.iloc[:0],
        lambda f: pd.DataFrame(index=pd.RangeIndex(3)),
        lambda f: pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(5, 1, -2, name="r")),
        lambda f: f.set_index("paris")[["int"]].resample("2h").sum(),
    ],
    ids=[
        "multiindex-columns",
        "multiindex-rows",
        "dated-index",
        "duplicate-names",
        "empty",
        "no-columns",
        "range-index",
        "resampled",
    ],  # fmt: skip
)
def test_reshaped_frames_cross_exactly(make):
    frame = make(sample_frame())
    pd.testing.assert_frame_equal(roundtrip(frame), frame, check_exact=True)


def test_series_index_and_categorical_cross_with_names():
    frame = sample_frame()
    for column in ["cat", "paris", "Int64", "object_text", ("a", 1)]:
        pd.testing.assert_series_equal(roundtrip(frame[column]), frame[column], check_exact=True)
    series = pd.Series([1.0, 2.0], index=pd.date_range("2024", periods=2, freq="MS"), name=("n", 1))
    pd.testing.assert_series_equal(roundtrip(series), series, check_exact=True)
    for index in [frame.index, frame.columns, pd.RangeIndex(0, 10, 3), pd.Index([("a", 1), ("b", 2)], tupleize_cols=False)]:  # fmt: skip
        pd.testing.assert_index_equal(roundtrip(index), index, exact=True)
    pd.testing.assert_extension_array_equal(roundtrip(frame["cat"].array), frame["cat"].array)


def test_the_header_does_not_grow_with_the_rows():
    """Encoding is vectorised: a column becomes a few blobs, not one header node per row."""
    rows = 100_000
    frame = pd.DataFrame({"x": np.arange(rows), "s": np.arange(rows).astype(str)})
    frame["o"] = frame["s"].astype(object)
    data = dumps(frame)
    assert int.from_bytes(data[8:16], "little") < 3000
    pd.testing.assert_frame_equal(loads(data), frame, check_exact=True)


# --- what is not data ----------------------------------------------------------------------


class Foo:
    def method(self):
        return 1


def test_a_value_that_is_not_data_is_refused_in_plain_words():
    with pytest.raises(NotData) as info:
        dumps({"answer": [1, Foo()]})
    assert str(info.value) == (
        "a Foo object cannot be read by the tests: give a number, text, list, dict, array, "
        "Series or DataFrame"
    )
    with pytest.raises(NotData, match=r"^an object object cannot be read by the tests"):
        dumps(object())


def test_a_column_that_cannot_cross_is_named():
    frame = pd.DataFrame({"ok": [1], "spans": pd.arrays.IntervalArray.from_breaks([0, 1])})
    with pytest.raises(NotData) as info:
        dumps(frame)
    assert str(info.value) == (
        "the column 'spans' holds interval[int64, right] values, which cannot be read by the "
        "tests: give a number, text, list, dict, array, Series or DataFrame"
    )
    with pytest.raises(NotData, match="^an array of"):
        dumps(np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]))
    with pytest.raises(NotData, match="^the value is nested deeper than 64 levels"):
        loop = []
        loop.append(loop)
        dumps(loop)


class Handles:
    def __init__(self):
        self.objects = []

    def add(self, obj) -> int:
        self.objects.append(obj)
        return len(self.objects) - 1


def test_non_data_leaves_become_handle_references_when_a_table_is_given():
    handles, foo = Handles(), Foo()
    data = dumps({"f": foo, "m": foo.method, "n": 3}, handles=handles)
    assert handles.objects == [foo, foo.method]
    refs = []
    back = loads(data, remote=lambda ref: refs.append(ref) or f"proxy{ref['id']}")
    assert back == {"f": "proxy0", "m": "proxy1", "n": 3}
    assert refs == [
        {"id": 0, "module": __name__, "qualname": "Foo", "callable": False},
        {"id": 1, "module": "builtins", "qualname": "method", "callable": True},
    ]
    assert refused(data) == "the data refers to a live 'Foo' object, not to data"


@pytest.mark.parametrize(
    "fields",
    [
        ["1", "m", "q", False],
        [0, 1, "q", False],
        [0, "m", None, False],
        [0, "m", "q", 1],
        [True, "m", "q", False],
    ],  # fmt: skip
)
def test_a_handle_reference_with_wrong_field_types_is_refused(fields):
    called = []
    message = refused(crafted(["handle", *fields]), remote=called.append)
    assert message == "the data is damaged: a handle reference"
    assert called == []


# --- hostile and damaged input -------------------------------------------------------------


def test_truncated_input_is_refused():
    data = dumps(sample_frame())
    assert refused(data[:12]) == "the data is truncated: it ends inside its header"
    assert refused(data[:100]) == "the data is truncated: it ends inside its header"
    assert refused(data[:-1]) == "the data is truncated: it ends inside its blobs"
    assert refused(b"") == "this is not cenlab wire data: it does not start with CENWIRE1"


def test_wrong_magic_and_a_header_that_is_not_an_object_are_refused():
    assert refused(b"PK\x03\x04" + bytes(40)).startswith("this is not cenlab wire data")
    assert refused(b"\x80\x04\x95" + dumps(1)[3:]).startswith("this is not cenlab wire data")
    header = b"[1, 2]"
    data = wire.MAGIC + len(header).to_bytes(8, "little") + header
    assert refused(data) == "the data is damaged: its header is not a cenlab wire header"
    header = b"{not json"
    data = wire.MAGIC + len(header).to_bytes(8, "little") + header
    assert refused(data) == "the data is damaged: its header is not JSON"


def test_an_unknown_tag_and_a_blob_past_the_end_are_refused():
    message = refused(crafted(["os.system", "echo hi"]))
    assert message == "the data holds a value of unknown kind 'os.system'"
    assert refused(crafted(["__reduce__"])) == "the data holds a value of unknown kind '__reduce__'"
    message = refused(crafted(["bytes", ["blob", 2, 10]], b"0123"))
    assert message == "the data is damaged: a blob reference points past the end"
    assert refused(crafted(["bytes", ["blob", -1, 2]], b"0123")) == "the data is damaged: a blob"


def test_sizes_beyond_max_bytes_are_refused_before_reading():
    data = dumps(np.zeros(1000))
    assert refused(data, max_bytes=1000) == "the data is more than the limit of 1000 bytes"
    huge = wire.MAGIC + (2**62).to_bytes(8, "little") + b"{}"
    assert refused(huge) == f"the data declares a header of more than the limit of {2**28} bytes"


def test_nesting_deeper_than_the_cap_is_refused():
    root = 1
    for _ in range(70):
        root = ["list", root]
    assert refused(crafted(root)) == "the data is nested deeper than 64 levels"
    deep = b"[" * 100_000 + b"]" * 100_000
    data = wire.MAGIC + len(deep).to_bytes(8, "little") + deep
    assert refused(data) == "the data is nested deeper than 64 levels"


def test_more_elements_than_the_cap_are_refused(monkeypatch):
    monkeypatch.setattr(wire_read, "MAX_ITEMS", 1000)
    assert loads(dumps(list(range(900)))) == list(range(900))
    assert refused(dumps(list(range(1200)))) == "the data holds more than 1000 elements"
    assert refused(crafted(["list", *[["list"]] * 999])) == "the data holds more than 1000 elements"


@pytest.mark.parametrize(
    "dtype",
    ["|O", "O", "object", "<f8,<i4", "[('a', '<i4')]", "{'names': ['a'], 'formats': ['O']}"]
    + ["i8", "=i8", "<f8 ", "<i8\n", "|V", "<i16", "|S0", "<M8[Y", "numpy.dtype"],
)
def test_an_array_of_a_dtype_outside_the_whitelist_is_refused(dtype):
    message = refused(crafted(["nd", dtype, ["tuple", 1], ["blob", 0, 8]], bytes(8)))
    assert message.startswith(("the data holds an array of a refused type", "the data is damaged"))


def test_a_pickled_npy_or_arrow_blob_imports_nothing():
    """Bytes that other formats would unpickle or resolve into a class stay inert bytes."""
    probe = "cenlab_wire_probe_module"
    frame = pd.DataFrame({"a": [1]})
    table = pa.Table.from_pandas(frame)
    meta = json.loads(table.schema.metadata[b"pandas"])
    meta["columns"][0]["metadata"] = {"module": probe}
    meta["columns"][0]["numpy_type"] = f"{probe}.Evil"
    table = table.replace_schema_metadata({b"pandas": json.dumps(meta).encode()})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    arrow = sink.getvalue().to_pybytes()
    loads(dumps(sample_frame()))  # warm up everything a legitimate decode loads
    before = set(sys.modules)
    for root in [["frame", ["blob", 0, len(arrow)]], ["strs", ["blob", 0, len(arrow)]], ["arrow", ["blob", 0, len(arrow)]]]:  # fmt: skip
        refused(crafted(root, arrow))
    refused(crafted(["nd", "|O", ["tuple", 1], ["blob", 0, 8]], bytes(8)))
    assert roundtrip(arrow) == arrow  # as plain bytes it crosses untouched
    assert set(sys.modules) == before
    assert probe not in sys.modules


def test_hostile_text_and_time_zones_are_refused():
    offsets = ["nd", "<i8", ["tuple", 2], ["blob", 0, 16]]
    null = ["nd", "|b1", ["tuple", 1], ["blob", 16, 1]]
    nan = ["nd", "|b1", ["tuple", 1], ["blob", 17, 1]]
    blobs = np.array([0, 2], np.int64).tobytes() + b"\x00\x00" + b"\xff\xfe"
    assert refused(crafted(["strs", nan, offsets, ["blob", 18, 2], null], blobs)).startswith(
        "the data is damaged"
    )
    blobs = np.array([0, 99], np.int64).tobytes() + b"\x00\x00" + b"ab"
    assert refused(crafted(["strs", nan, offsets, ["blob", 18, 2], null], blobs)).startswith(
        "the data is damaged"
    )
    message = refused(crafted(["ts", 0, "s", "../../etc/passwd"]))
    assert message == "the data names an unknown time zone '../../etc/passwd'"
    assert refused(crafted(["ts", 0, "s", "Foo/Bar"])) == "the data names an unknown time zone 'Foo/Bar'"  # fmt: skip


def test_denial_of_service_shapes_are_refused():
    colliding = ["set", *[k * (2**61 - 1) for k in range(1, 3000)]]  # all hash to 0
    assert refused(crafted(colliding)) == "the data is damaged: too many equal hashes"
    huge = ["fraction", ["int", "f" * 30_000], ["int", "f" * 30_000]]
    assert refused(crafted(huge)) == "the data is damaged: a huge fraction"
    zero = ["nd", "|V1", ["tuple", 10**12, 10**12], ["blob", 0, 0]]
    assert refused(crafted(zero)).startswith("the data is damaged")


def test_names_in_the_data_never_reach_a_lookup():
    before = set(sys.modules)
    for codec in ["hex_codec", "rot_13", "zlib_codec"]:
        assert refused(crafted(["bytes", "data", codec])).startswith("the data is damaged")
    assert not {m for m in set(sys.modules) - before if m.startswith("encodings.")}


def test_a_lazy_range_counts_towards_the_element_cap():
    bomb = ["obj", ["tuple", 10**9], ["range", 0, 10**9, 1]]  # 8 GB if materialised
    assert refused(crafted(bomb)) == "the data holds more than 10000000 elements"
    assert refused(dumps(pd.RangeIndex(10**8))) == "the data holds more than 10000000 elements"


def test_decoding_runs_nothing_in_a_fresh_interpreter():
    """A fresh process decodes a frame and a crafted stream without importing pickle or an
    unexpected module (the trainee's bytes name modules that do not exist)."""
    code = (
        "import sys, json\n"
        "from cenlab.course.grading import wire\n"
        "before = set(sys.modules)\n"
        "bad = json.dumps({'root': ['cenlab_probe.Evil', 1], 'blob_bytes': 0}).encode()\n"
        "try:\n"
        "    wire.loads(wire.MAGIC + len(bad).to_bytes(8, 'little') + bad)\n"
        "except wire.WireError as exc:\n"
        "    print(exc)\n"
        "print(sorted(m for m in set(sys.modules) - before if 'probe' in m or 'pickle' in m))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "the data holds a value of unknown kind 'cenlab_probe.Evil'",
        "[]",
    ]


# --- fuzzing -------------------------------------------------------------------------------

VALID = [
    dumps(sample_frame()),
    dumps({"a": [1, 2.5, "x", None, (True, b"b")], 3: np.arange(6).reshape(2, 3)}),
    dumps(pd.Series(["a", None], dtype=object, name="s")),
    dumps([pd.Timestamp("2024-01-01", tz=PARIS), decimal.Decimal("1.5"), fractions.Fraction(1, 3)]),
]


def loads_or_wire_error(data: bytes) -> None:
    try:
        loads(data, max_bytes=1 << 20)
    except WireError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=300, deadline=None, database=None)
@given(st.binary(max_size=200))
def test_random_bytes_decode_or_raise_wire_error(data):
    loads_or_wire_error(data)
    loads_or_wire_error(wire.MAGIC + len(data).to_bytes(8, "little") + data)


@settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.sampled_from(range(len(VALID))),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    st.integers(0, 10**6),
)
def test_mutated_valid_encodings_decode_or_raise_wire_error(which, flips, cut):
    data = bytearray(VALID[which])
    for position, byte in flips:
        data[position % len(data)] = byte
    loads_or_wire_error(bytes(data))
    loads_or_wire_error(bytes(data[: cut % len(data)]))


JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=8),
    st.sampled_from(["<i8", "|b1", "<U2", "UTC", "Europe/Paris", "D", "s", "nan", "NA", "python"]),
)  # fmt: skip
JSON_TREES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(
            st.sampled_from(sorted(wire.DECODERS) + ["blob", "handle"]), st.lists(inner, max_size=5)
        ).map(lambda t: [t[0], *t[1]]),  # fmt: skip
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None, database=None)
@given(JSON_TREES, st.binary(max_size=64))
def test_random_tagged_trees_decode_or_raise_wire_error(root, blobs):
    loads_or_wire_error(crafted(root, blobs))


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["x", None, "y"], dtype="string").ne("x"),  # bool[pyarrow], as pandas gives it
        pd.Series([1, None, 3], dtype="int64[pyarrow]"),
        pd.Series([1.5, None], dtype="double[pyarrow]"),
        pd.Series(["a", None], dtype=pd.ArrowDtype(pa.string())),
    ],
    ids=["bool", "int64", "double", "string"],
)
def test_pyarrow_backed_columns_of_plain_types_round_trip(values):
    pd.testing.assert_series_equal(loads(dumps(values)), values)


def test_periods_round_trip_as_values_and_as_an_index():
    monthly = pd.DataFrame(
        {"lift": [1.0, 2.5, None]}, index=pd.period_range("2025-01", periods=3, freq="M")
    )
    pd.testing.assert_frame_equal(loads(dumps(monthly)), monthly)
    months = pd.Series(pd.PeriodIndex(["2025-01", None, "2025-03"], freq="M"))
    pd.testing.assert_series_equal(loads(dumps(months)), months)


def test_an_arrow_type_outside_the_list_is_refused():
    data = dumps(pd.Series([1, 2], dtype="int64[pyarrow]")).replace(b'"int64"', b'"int32"', 1)
    data = data.replace(b'"arrow","int32"', b'"arrow","date3"')
    with pytest.raises(WireError, match="the data is damaged"):
        loads(data)
