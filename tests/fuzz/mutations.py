"""Hypothesis strategies that break real, valid files the way real files get broken.

Every strategy starts from the bytes of a valid file of a format (``seed``) and applies one to four
mutations, each drawn with its parameters so that Hypothesis can shrink a failing case to the
smallest change:

* text files: truncate (bytes or lines), drop / duplicate / swap lines, swap or drop columns,
  extra fields, inject text / NaN / inf / huge / negative / odd numbers into a cell or a whole run of
  a column, scale a column (wrong units), insert junk lines, very long lines, byte flips, binary junk,
  NUL bytes, wrong encodings (UTF-16/32, cp1251, latin-1) and BOMs, CRLF / CR line ends, empty files;
* structured documents (JSON, YAML): replace, delete, rename or duplicate a node anywhere in the tree
  with values of the wrong type or range, then write the document back (and maybe mutate the text);
* netCDF (ERA5): change variables, coordinates, attributes and values through xarray, or mutate the
  bytes of the file.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

Draw = Callable[..., Any]


class Blob(bytes):
    """Bytes of a mutated file whose repr is short (Hypothesis prints the falsifying example)."""

    def __repr__(self) -> str:
        import hashlib

        return f"Blob({len(self)} bytes, sha1 {hashlib.sha1(self).hexdigest()[:10]}, head {bytes(self[:60])!r})"

#: what ends up in a cell: text, missing markers, non-finite, huge, negative, odd notations
CELL_VALUES: tuple[str, ...] = (
    "abc", "n/a", "N/A", "NA", "", " ", "-", "?", "null", "None", "true", "nan", "NaN", "-nan", "inf",
    "-inf", "Infinity", "1e308", "-1e308", "1e309", "1e-320", "99999999999999999999999999", "-1", "-9999",
    "-999.9", "0", "-0", "1,5", "1.5.5", "0x1F", "1_000", "\u22125", "\uff11\uff12", "١٢", "12abc",
    "\x00", "\U0001f600", "Ω", "Қазақ", "'5'", '"5"', "5 5", "+-5", "1e", ".", "2025-13-45T99:99",
    "9999", "99.9", "999999", "-273.15", "3.4e38",
)

#: lines inserted between others
JUNK_LINES: tuple[bytes, ...] = (
    b"", b" ", b"#", b"# comment", b",,,,,,", b";;;;", b"\t\t", b"\x00\x00\x00", b"\xff\xfe\xfd",
    b"<html><body>502 Bad Gateway</body></html>", b"{", b"}", b"]", b"---", b"...", b"key: [unclosed",
    b"\xef\xbb\xbf", b"LOCATION,x", "Қала,қала".encode(), b"\x1b[31m",
)

ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1251", "latin-1", "cp1252", "koi8-r", "mac_cyrillic")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _join(lines: list[bytes]) -> bytes:
    return b"\n".join(lines)


def _line_index(draw: Draw, n: int) -> int:
    """A line number, biased towards the head of the file (where the headers are)."""
    if n <= 1:
        return 0
    return int(draw(st.one_of(st.integers(0, min(n - 1, 24)), st.integers(0, n - 1))))


def _delimiter(data: bytes) -> bytes:
    head = data[:4096]
    counts = {d: head.count(d) for d in (b",", b";", b"\t")}
    return max(counts, key=lambda d: counts[d])


# ----------------------------------------------------------------------------------- byte/text ops

def op_truncate_bytes(draw: Draw, data: bytes) -> bytes:
    if not data:
        return data
    cut = draw(st.one_of(st.integers(0, len(data)), st.integers(max(0, len(data) - 200), len(data)),
                         st.integers(0, min(len(data), 600))))
    return data[:cut]


def op_truncate_lines(draw: Draw, data: bytes) -> bytes:
    lines = _lines(data)
    keep = draw(st.integers(0, len(lines)))
    return _join(lines[:keep]) + (b"\n" if keep and draw(st.booleans()) else b"")


def op_drop_lines(draw: Draw, data: bytes) -> bytes:
    lines = _lines(data)
    i = _line_index(draw, len(lines))
    k = draw(st.one_of(st.integers(1, 3), st.integers(1, max(1, len(lines) // 4))))
    return _join(lines[:i] + lines[i + k:])


def op_duplicate_lines(draw: Draw, data: bytes) -> bytes:
    lines = _lines(data)
    i = _line_index(draw, len(lines))
    k = draw(st.integers(1, 30))
    return _join(lines[:i + k] + lines[i:i + k] + lines[i + k:])


def op_swap_lines(draw: Draw, data: bytes) -> bytes:
    lines = _lines(data)
    if len(lines) < 2:
        return data
    i, j = _line_index(draw, len(lines)), _line_index(draw, len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return _join(lines)


def _split_rows(data: bytes) -> tuple[list[list[bytes]], bytes]:
    d = _delimiter(data)
    return [line.split(d) for line in _lines(data)], d


def op_swap_columns(draw: Draw, data: bytes) -> bytes:
    rows, d = _split_rows(data)
    width = max((len(r) for r in rows), default=0)
    if width < 2:
        return data
    a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
    scope = draw(st.sampled_from(["all", "data", "header"]))
    start = _line_index(draw, len(rows)) if scope != "all" else 0
    for n, r in enumerate(rows):
        if scope == "header" and n != start:
            continue
        if scope == "data" and n < start:
            continue
        if a < len(r) and b < len(r):
            r[a], r[b] = r[b], r[a]
    return _join([d.join(r) for r in rows])


def op_drop_column(draw: Draw, data: bytes) -> bytes:
    rows, d = _split_rows(data)
    width = max((len(r) for r in rows), default=0)
    if width < 1:
        return data
    c = draw(st.integers(0, width - 1))
    one_line = draw(st.booleans())
    i = _line_index(draw, len(rows))
    for n, r in enumerate(rows):
        if (not one_line or n == i) and c < len(r) and len(r) > 1:
            del r[c]
    return _join([d.join(r) for r in rows])


def op_extra_fields(draw: Draw, data: bytes) -> bytes:
    rows, d = _split_rows(data)
    i = _line_index(draw, len(rows))
    extra = draw(st.sampled_from(CELL_VALUES)).encode("utf-8")
    rows[i] = rows[i] + [extra] * draw(st.integers(1, 5))
    return _join([d.join(r) for r in rows])


def op_inject_cell(draw: Draw, data: bytes) -> bytes:
    rows, d = _split_rows(data)
    i = _line_index(draw, len(rows))
    if not rows[i]:
        return data
    c = draw(st.integers(0, len(rows[i]) - 1))
    rows[i][c] = draw(st.sampled_from(CELL_VALUES)).encode("utf-8")
    return _join([d.join(r) for r in rows])


def op_inject_column_run(draw: Draw, data: bytes) -> bytes:
    """The same bad value in one column over a run of lines (a broken sensor, a wrong export)."""
    rows, d = _split_rows(data)
    width = max((len(r) for r in rows), default=0)
    if width < 1:
        return data
    c = draw(st.integers(0, width - 1))
    i = _line_index(draw, len(rows))
    k = draw(st.one_of(st.integers(1, 48), st.integers(1, len(rows))))
    value = draw(st.sampled_from(CELL_VALUES)).encode("utf-8")
    for r in rows[i:i + k]:
        if c < len(r):
            r[c] = value
    return _join([d.join(r) for r in rows])


def op_scale_column(draw: Draw, data: bytes) -> bytes:
    """Multiply the numbers of one column (wrong units, sign flips, kelvin)."""
    rows, d = _split_rows(data)
    width = max((len(r) for r in rows), default=0)
    if width < 1:
        return data
    c = draw(st.integers(0, width - 1))
    factor = draw(st.sampled_from([1000.0, 0.001, -1.0, 3.6, 100.0, 1e6, 0.0]))
    shift = draw(st.sampled_from([0.0, 273.15, -1000.0]))
    for r in rows:
        if c < len(r):
            try:
                x = float(r[c])
            except ValueError:
                continue
            r[c] = repr(x * factor + shift).encode()
    return _join([d.join(r) for r in rows])


def op_insert_junk_line(draw: Draw, data: bytes) -> bytes:
    lines = _lines(data)
    i = _line_index(draw, len(lines) + 1)
    junk = draw(st.one_of(st.sampled_from(JUNK_LINES), st.binary(max_size=80)))
    return _join(lines[:i] + [junk] + lines[i:])


def op_long_line(draw: Draw, data: bytes) -> bytes:
    lines = _lines(data)
    i = _line_index(draw, len(lines) + 1)
    unit = draw(st.sampled_from([b"a", b"9", b",", b";", b"1,", b" ", b"\xd0\x96"]))
    size = draw(st.sampled_from([10_000, 200_000, 1_000_000]))
    if draw(st.booleans()) and i < len(lines):
        lines[i] = lines[i] + unit * (size // len(unit))
    else:
        lines.insert(i, unit * (size // len(unit)))
    return _join(lines)


def op_flip_bytes(draw: Draw, data: bytes) -> bytes:
    if not data:
        return data
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.one_of(st.integers(0, min(len(buf) - 1, 2000)), st.integers(0, len(buf) - 1)))
        buf[pos] = draw(st.integers(0, 255))
    return bytes(buf)


def op_binary_junk(draw: Draw, data: bytes) -> bytes:
    junk = draw(st.one_of(st.binary(min_size=1, max_size=512), st.just(b"\x00" * 4096),
                          st.just(b"\x89HDF\r\n\x1a\n" + b"\x00" * 64), st.just(b"CDF\x01" + b"\xff" * 32),
                          st.just(b"PK\x03\x04" + b"\x00" * 60)))
    where = draw(st.sampled_from(["replace", "prefix", "middle", "suffix"]))
    if where == "replace":
        return junk
    if where == "prefix":
        return junk + data
    if where == "suffix":
        return data + junk
    pos = draw(st.integers(0, len(data)))
    return data[:pos] + junk + data[pos:]


def op_encoding(draw: Draw, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    if draw(st.booleans()):  # make sure there is something non-ASCII to transcode
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.sampled_from(["Қонаев", "Алматы", "µg/m³", "°C", "Ü", "\u00a0"])) + text[pos:]
    enc = draw(st.sampled_from(ENCODINGS))
    return text.encode(enc, errors="replace")


def op_bom(draw: Draw, data: bytes) -> bytes:
    bom = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
                                b"\x00\x00\xfe\xff"]))
    if draw(st.booleans()):
        return bom + data
    lines = _lines(data)
    i = _line_index(draw, len(lines))
    lines[i] = bom + lines[i]
    return _join(lines)


def op_line_ends(draw: Draw, data: bytes) -> bytes:
    style = draw(st.sampled_from(["crlf", "cr", "mixed", "strip-final", "double"]))
    base = data.replace(b"\r\n", b"\n")
    if style == "crlf":
        return base.replace(b"\n", b"\r\n")
    if style == "cr":
        return base.replace(b"\n", b"\r")
    if style == "double":
        return base.replace(b"\n", b"\n\n")
    if style == "strip-final":
        return base.rstrip(b"\n")
    lines = _lines(base)
    every = draw(st.integers(2, 7))
    return b"".join(line + (b"\r\n" if n % every else b"\n") for n, line in enumerate(lines))


def op_empty(draw: Draw, data: bytes) -> bytes:
    return draw(st.sampled_from([b"", b"\n", b"   \n\n", b"\xef\xbb\xbf", b"\r\n", b"\t", b"\x00"]))


def op_whitespace(draw: Draw, data: bytes) -> bytes:
    """Spaces or tabs around fields, or indentation changes."""
    lines = _lines(data)
    i = _line_index(draw, len(lines))
    k = draw(st.integers(1, 40))
    pad = draw(st.sampled_from([b" ", b"\t", b"  ", b"\xc2\xa0"]))
    for n in range(i, min(len(lines), i + k)):
        lines[n] = pad + lines[n] if draw(st.booleans()) else lines[n].replace(b",", b", ")
    return _join(lines)


TEXT_OPS: tuple[Callable[[Draw, bytes], bytes], ...] = (
    op_truncate_bytes, op_truncate_lines, op_drop_lines, op_duplicate_lines, op_swap_lines, op_swap_columns,
    op_drop_column, op_extra_fields, op_inject_cell, op_inject_cell, op_inject_column_run, op_scale_column,
    op_insert_junk_line, op_long_line, op_flip_bytes, op_binary_junk, op_encoding, op_bom, op_line_ends,
    op_empty, op_whitespace,
)


@st.composite
def mutated_text(draw: Draw, seed: bytes, max_ops: int = 3) -> bytes:
    """``seed`` with one to ``max_ops`` text mutations."""
    data = seed
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(TEXT_OPS))
        data = op(draw, data)
    return Blob(data)


# -------------------------------------------------------------------------------- structured docs

#: replacement values for a node of a JSON/YAML tree
NODE_VALUES: tuple[Any, ...] = (
    None, "", "abc", "n/a", -1, -1.0, 0, 0.0, 1e308, -1e308, math.inf, -math.inf, math.nan, 10**30, True, False,
    [], {}, [1, 2], {"value": "x"}, "2025-13-45", "1e309", "Қонаев", "\x00", "x" * 5000, 1.5, -9999, 12345678,
)


def _node_value(draw: Draw) -> Any:
    """A replacement value: a fresh copy (the tree is mutated in place later; the constants must not be)."""
    return copy.deepcopy(draw(st.sampled_from(NODE_VALUES)))


def _paths(node: Any, prefix: tuple[Any, ...] = (), out: list[tuple[Any, ...]] | None = None,
           limit: int = 4000) -> list[tuple[Any, ...]]:
    """Paths to every node (breadth-limited for big lists)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    out.append(prefix)
    if isinstance(node, dict):
        for k, v in node.items():
            _paths(v, (*prefix, k), out, limit)
    elif isinstance(node, list):
        idx = list(range(len(node)))
        if len(idx) > 40:  # a few from the head, the middle and the tail
            idx = idx[:15] + idx[len(idx) // 2:len(idx) // 2 + 5] + idx[-15:]
        for i in idx:
            _paths(node[i], (*prefix, i), out, limit)
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


def mutate_tree(draw: Draw, doc: Any) -> Any:
    """One structural change somewhere in ``doc`` (changed in place and returned)."""
    paths = _paths(doc)
    # prefer leaves and deeper nodes a little, but every node can be chosen
    path = draw(st.sampled_from(paths))
    action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "rename", "duplicate", "wrap",
                                   "scale", "truncate-list", "reverse-list"]))
    if not path:
        if action in ("replace", "wrap"):
            return _node_value(draw) if action == "replace" else [doc]
        return doc
    parent = _get(doc, path[:-1])
    key = path[-1]
    target = parent[key]
    if action == "replace":
        parent[key] = _node_value(draw)
    elif action == "delete":
        del parent[key]
    elif action == "rename" and isinstance(parent, dict):
        new = draw(st.sampled_from([f"{key}_", str(key).upper(), f" {key}", "", "unknown_field", "value"]))
        parent[new] = parent.pop(key)
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, json.loads(json.dumps(target, allow_nan=True)) if _jsonable(target) else target)
    elif action == "wrap":
        parent[key] = [target]
    elif action == "scale" and isinstance(target, int | float) and not isinstance(target, bool):
        parent[key] = target * draw(st.sampled_from([-1, 1000, 0.001, 0, 1e6]))
    elif action == "truncate-list" and isinstance(target, list):
        parent[key] = target[: draw(st.integers(0, len(target)))]
    elif action == "reverse-list" and isinstance(target, list):
        parent[key] = target[::-1]
    else:
        parent[key] = _node_value(draw)
    return doc


def _jsonable(x: Any) -> bool:
    try:
        json.dumps(x, allow_nan=True)
        return True
    except (TypeError, ValueError):
        return False


@st.composite
def mutated_json(draw: Draw, seed: bytes, max_ops: int = 3) -> bytes:
    """A JSON document with structural changes and, sometimes, text mutations on top."""
    doc = json.loads(seed)
    for _ in range(draw(st.integers(0, max_ops))):
        doc = mutate_tree(draw, doc)
    data = json.dumps(doc, allow_nan=True).encode("utf-8")
    if draw(st.booleans()) or data == seed:
        data = draw(mutated_text(data, max_ops=2))
    return Blob(data)


@st.composite
def mutated_yaml(draw: Draw, seed: bytes, max_ops: int = 3) -> bytes:
    """A YAML document with structural changes (written back with PyYAML) and/or text mutations."""
    import yaml

    data = seed
    if draw(st.booleans()):
        doc = yaml.safe_load(seed)
        for _ in range(draw(st.integers(1, max_ops))):
            doc = mutate_tree(draw, doc)
        data = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")
    if data == seed or draw(st.booleans()):
        data = draw(mutated_text(data, max_ops=2))
    if draw(st.integers(0, 9)) == 0:  # YAML-specific trouble
        data = data + draw(st.sampled_from(YAML_TAILS))
    return Blob(data)


YAML_TAILS: tuple[bytes, ...] = (
    b"\nbomb: &a [x, x, x, x, x, x, x, x, x]\nb2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"b3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nb4: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    b"\nself: &s\n  again: *s\n", b"\n!!python/object/apply:os.system [echo hi]\n", b"\nx: !!binary abc\n",
    b"\n\t- tab indented\n", b"\nname: 'unclosed\n", b"\n? complex key\n: value\n", b"\n%YAML 9.9\n---\n",
    b"\n--- second document\n", b"\nname: !!int 'x'\n", b"\n" + b"[" * 2000 + b"\n", b"\n" + b"- " * 500 + b"x\n",
)


# ---------------------------------------------------------------------------------------- netCDF

_DATASETS: dict[str, Any] = {}


@st.composite
def mutated_netcdf(draw: Draw, seed_path: str) -> bytes:
    """An ERA5 netCDF with changes made through xarray, or the bytes of the valid file mutated."""
    import tempfile
    from pathlib import Path

    import xarray as xr

    if draw(st.integers(0, 3)) == 0:
        op = draw(st.sampled_from([op_truncate_bytes, op_flip_bytes, op_binary_junk, op_empty]))
        return Blob(op(draw, Path(seed_path).read_bytes()))
    if seed_path not in _DATASETS:
        with xr.open_dataset(seed_path) as ds0:
            _DATASETS[seed_path] = ds0.load()
    ds = _DATASETS[seed_path].copy(deep=True)
    for _ in range(draw(st.integers(1, 3))):
        try:
            ds = _mutate_dataset(draw, ds)
        except (ValueError, TypeError, KeyError, IndexError):
            pass  # a change xarray cannot make on this dataset: keep the dataset as it is
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.nc"
        try:
            ds.to_netcdf(p)
        except (ValueError, TypeError, OverflowError, RuntimeError):
            ds = _DATASETS[seed_path]  # xarray refused to write this change: keep the valid file
            ds.to_netcdf(p)
        return Blob(p.read_bytes())


def _mutate_dataset(draw: Draw, ds: Any) -> Any:
    import pandas as pd
    import xarray as xr

    names = sorted(map(str, ds.data_vars))
    coords = sorted(map(str, ds.coords))
    tname = "valid_time" if "valid_time" in ds.coords else ("time" if "time" in ds.coords else None)
    action = draw(st.sampled_from(["drop_var", "values", "values", "units", "rename_coord", "truncate_time",
                                   "duplicate_time", "reverse_time", "shuffle_time", "drop_coord", "one_point",
                                   "far_grid", "dtype", "expver", "extra_dim", "lon_360", "time_step"]))
    if action == "drop_var" and names:
        return ds.drop_vars(draw(st.sampled_from(names)))
    if action == "values" and names:
        v = draw(st.sampled_from(names))
        arr = np.array(ds[v].values, dtype=float)
        flat = arr.reshape(-1)
        start = draw(st.integers(0, max(0, flat.size - 1)))
        k = draw(st.one_of(st.integers(1, 24), st.integers(1, max(1, flat.size))))
        flat[start:start + k] = draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -1e30, -1.0, 0.0, 1e12]))
        return ds.assign({v: (ds[v].dims, arr, ds[v].attrs)})
    if action == "units" and names:
        v = draw(st.sampled_from(names))
        out = ds.copy()
        out[v].attrs["units"] = draw(st.sampled_from(["W m**-2", "degC", "", "J m**-2", "km h**-1", "kW"]))
        return out
    if action == "rename_coord" and coords:
        c = draw(st.sampled_from(coords))
        new = draw(st.sampled_from(["t", "date", "lat_", "x", "y", "step", "time", "valid_time"]))
        if new in ds.coords or new in ds.dims or new in ds.data_vars:
            return ds
        return ds.rename({c: new})
    if tname is not None and action in ("truncate_time", "duplicate_time", "reverse_time", "shuffle_time",
                                        "time_step"):
        n = ds.sizes[tname]
        if action == "truncate_time":
            return ds.isel({tname: slice(0, draw(st.integers(0, n)))})
        if action == "duplicate_time":
            i = draw(st.integers(0, max(0, n - 1)))
            idx = list(range(n))
            return ds.isel({tname: idx[:i + 1] + [i] + idx[i + 1:]})
        if action == "reverse_time":
            return ds.isel({tname: slice(None, None, -1)})
        if action == "shuffle_time":
            i, j = draw(st.integers(0, max(0, n - 1))), draw(st.integers(0, max(0, n - 1)))
            idx = list(range(n))
            idx[i], idx[j] = idx[j], idx[i]
            return ds.isel({tname: idx})
        step = draw(st.sampled_from(["30min", "3h", "1D"]))
        times = pd.date_range(pd.Timestamp(ds[tname].values[0]), periods=n, freq=step)
        return ds.assign_coords({tname: times})
    if action == "drop_coord" and coords:
        return ds.drop_vars(draw(st.sampled_from(coords)))
    if action == "one_point":
        sel = {d: 0 for d in ("latitude", "longitude") if d in ds.dims}
        return ds.isel(sel) if sel else ds
    if action == "far_grid" and "latitude" in ds.coords:
        return ds.assign_coords(latitude=ds["latitude"] + draw(st.sampled_from([10.0, -50.0, 200.0])))
    if action == "lon_360" and "longitude" in ds.coords:
        return ds.assign_coords(longitude=ds["longitude"] % 360 + draw(st.sampled_from([0.0, 360.0])))
    if action == "dtype" and names:
        v = draw(st.sampled_from(names))
        kind = draw(st.sampled_from(["int", "str"]))
        if kind == "int":
            return ds.assign({v: ds[v].fillna(0).astype("int32")})
        return ds.assign({v: (ds[v].dims, np.full(ds[v].shape, "x", dtype="S1"))})
    if action == "expver" and tname is not None:
        a = ds.expand_dims(expver=[1])
        b = ds.expand_dims(expver=[5]) * np.nan
        return xr.concat([a, b], dim="expver")
    if action == "extra_dim" and names:
        v = draw(st.sampled_from(names))
        return ds.assign({v: ds[v].expand_dims(level=[1000, 850])})
    return ds
