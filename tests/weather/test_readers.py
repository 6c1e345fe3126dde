"""Each reader on a small file of its format written here; errors name the file and the problem."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jasyl.errors import InputError
from jasyl.weather import WEATHER_COLUMNS, detect_format, read_weather
from jasyl.weather.csvfile import to_csv_text

from .helpers import (
    csv_lines,
    reference_weather,
    write_csv,
    write_epw,
    write_era5,
    write_pvgis_csv,
    write_pvgis_json,
)

URUMQI = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "weather" / ("CHN_Xinjiang.Uygur.Urumqi.514630_CSWD.epw")
)


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    return reference_weather()


def _assert_table(w: pd.DataFrame) -> None:
    assert len(w) == 8760
    assert str(w.index.tz) == "UTC"
    assert (np.diff(w.index) == pd.Timedelta(hours=1)).all()
    for col in WEATHER_COLUMNS:
        assert col in w and w[col].notna().all()
    for key in ("wind_height_m", "latitude", "longitude", "elevation_m", "source", "synthetic"):
        assert key in w.attrs


# ------------------------------------------------------------------------------------------ CSV


def test_csv_local_offsets_round_trip(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "w.csv", csv_lines(ref, offset_h=5))
    w = read_weather(path)
    _assert_table(w)
    assert detect_format(path) == "csv"
    assert w.attrs["wind_height_m"] == 100.0 and w.attrs["synthetic"] is False
    for col in ("ghi_w_m2", "temp_air_c", "wind_speed_m_s"):
        np.testing.assert_allclose(w[col].to_numpy(), ref[col].to_numpy(), atol=1e-9)


def test_csv_writer_round_trip(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = tmp_path / "out.csv"
    path.write_text(to_csv_text(ref), encoding="utf-8")
    w = read_weather(path)
    np.testing.assert_allclose(w["dni_w_m2"].to_numpy(), ref["dni_w_m2"].to_numpy(), atol=0.01)


def test_csv_hour_ending_label(tmp_path: Path, ref: pd.DataFrame) -> None:
    lines = csv_lines(ref, offset_h=0)
    shifted = [lines[0], "# time_label: end", *lines[1:6]]
    body = lines[6:]
    # write hour-ending stamps: each row stamped one hour later
    stamps = (pd.DatetimeIndex(ref.index) + pd.Timedelta(hours=1)).strftime("%Y-%m-%dT%H:%MZ")
    body = [f"{s},{row.split(',', 1)[1]}" for s, row in zip(stamps, body, strict=True)]
    w = read_weather(write_csv(tmp_path / "end.csv", shifted + body))
    np.testing.assert_allclose(w["ghi_w_m2"].to_numpy(), ref["ghi_w_m2"].to_numpy())


def _error(path: Path, **kw: object) -> InputError:
    with pytest.raises(InputError) as info:
        read_weather(path, **kw)  # type: ignore[arg-type]
    assert str(path) in str(info.value)
    return info.value


def test_csv_errors_name_the_problem(tmp_path: Path, ref: pd.DataFrame) -> None:
    lines = csv_lines(ref)
    head, body = lines[:6], lines[6:]

    err = _error(write_csv(tmp_path / "nowind.csv", csv_lines(ref, wind_height=None)))
    assert err.field == "wind_height_m"

    naive = [*head, *[b.replace("+05:00", "") for b in body]]
    err = _error(write_csv(tmp_path / "naive.csv", naive))
    assert "no UTC offset" in err.message and "line 7" in err.message

    dup = [*head, *body[:100], body[99], *body[100:]]
    err = _error(write_csv(tmp_path / "dup.csv", dup))
    assert "duplicated hour" in err.message and "line 107" in err.message

    gap = [*head, *body[:2000], *body[2003:]]
    err = _error(write_csv(tmp_path / "gap.csv", gap))
    assert "missing hours" in err.message and "3 h" in err.message
    filled = read_weather(tmp_path / "gap.csv", fill_gaps_hours=3)
    assert len(filled) == 8760 and any("interpolation" in n for n in filled.attrs["notes"])
    _error(tmp_path / "gap.csv", fill_gaps_hours=2)

    empty = list(body)
    parts = empty[4000].split(",")
    parts[4] = ""
    empty[4000] = ",".join(parts)
    err = _error(write_csv(tmp_path / "empty.csv", [*head, *empty]))
    assert err.field == "temp_air_c" and "line 4007" in err.message
    assert read_weather(tmp_path / "empty.csv", fill_gaps_hours=1)["temp_air_c"].notna().all()

    kelvin = [
        *head,
        *[",".join(b.split(",")[:4] + [f"{float(b.split(',')[4]) + 273.15:.2f}"] + b.split(",")[5:]) for b in body],
    ]
    err = _error(write_csv(tmp_path / "kelvin.csv", kelvin))
    assert "kelvin" in err.message

    big = list(body)
    parts = big[4500].split(",")
    parts[1] = "1500"
    big[4500] = ",".join(parts)
    err = _error(write_csv(tmp_path / "big.csv", [*head, *big]))
    assert err.field == "ghi_w_m2" and "1400" in err.message

    neg = list(body)
    parts = neg[10].split(",")
    parts[1] = "-40"
    neg[10] = ",".join(parts)
    err = _error(write_csv(tmp_path / "neg.csv", [*head, *neg]))
    assert "negative" in err.message

    half = pd.date_range("2025-01-01", periods=17520, freq="30min", tz="UTC").strftime("%Y-%m-%dT%H:%MZ")
    rows = [f"{t},0,0,0,1,2" for t in half]
    err = _error(write_csv(tmp_path / "half.csv", [*head, *rows]))
    assert "non-hourly" in err.message

    nocol = [*lines[:5], "time,ghi_w_m2,temp_air_c", *[",".join(b.split(",")[:2] + [b.split(",")[4]]) for b in body]]
    err = _error(write_csv(tmp_path / "nocol.csv", nocol))
    assert "wind_speed_m_s" in err.message

    word = list(body)
    word[20] = word[20].replace(word[20].split(",")[5], "calm")
    err = _error(write_csv(tmp_path / "word.csv", [*head, *word]))
    assert "'calm'" in err.message and "line 27" in err.message


def test_csv_wrong_time_zone_is_caught(tmp_path: Path, ref: pd.DataFrame) -> None:
    # local times written as if they were UTC: GHI peaks 5 h late
    wrong = [line.replace("+05:00", "Z") for line in csv_lines(ref)]
    err = _error(write_csv(tmp_path / "tz.csv", wrong))
    assert "time zone" in err.message


def test_csv_short_and_multi_year(tmp_path: Path, ref: pd.DataFrame) -> None:
    lines = csv_lines(ref)
    err = _error(write_csv(tmp_path / "short.csv", lines[:500]))
    assert "only" in err.message
    two = pd.concat([ref, ref.set_axis(ref.index + pd.DateOffset(years=1))])
    w2 = two.copy()
    w2.attrs = ref.attrs
    path = tmp_path / "two.csv"
    path.write_text(to_csv_text(w2), encoding="utf-8")
    err = _error(path)
    assert "--year" in (err.fix or "")
    assert len(read_weather(path, year=2026)) == 8760


# ------------------------------------------------------------------------------------------ EPW


def test_epw_reader(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = write_epw(tmp_path / "konaev.epw", ref)
    assert detect_format(path) == "epw"
    w = read_weather(path)
    _assert_table(w)
    assert w.attrs["wind_height_m"] == 10.0 and w.attrs["latitude"] == 43.88
    np.testing.assert_allclose(w["ghi_w_m2"].to_numpy(), ref["ghi_w_m2"].to_numpy())
    np.testing.assert_allclose(w["temp_air_c"].to_numpy(), ref["temp_air_c"].to_numpy())
    assert w["pressure_pa"].iloc[0] == 95000


def test_epw_missing_code_is_a_gap(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = write_epw(tmp_path / "gap.epw", ref)
    lines = path.read_text().splitlines()
    fields = lines[8 + 4000].split(",")
    fields[13] = "9999"
    lines[8 + 4000] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    err = _error(path)
    assert err.field == "ghi_w_m2" and "line 4009" in err.message
    assert read_weather(path, fill_gaps_hours=1)["ghi_w_m2"].notna().all()


def test_epw_subhourly_rejected(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = write_epw(tmp_path / "sub.epw", ref)
    lines = path.read_text().splitlines()
    half = []
    for line in lines[8:]:
        f = line.split(",")
        half.append(",".join(f[:4] + ["30"] + f[5:]))
        half.append(line)
    path.write_text("\n".join(lines[:8] + half) + "\n")
    err = _error(path)
    assert "non-hourly" in err.message


def test_epw_garbage(tmp_path: Path) -> None:
    path = tmp_path / "bad.epw"
    path.write_text("LOCATION,x\nnot an epw\n")
    err = _error(path)
    assert "EPW" in err.message


@pytest.mark.skipif(not URUMQI.exists(), reason=f"proxy EPW not found at {URUMQI}")
def test_real_urumqi_epw() -> None:
    w = read_weather(URUMQI)
    _assert_table(w)
    # check values of data/weather/SOURCES.md (computed from the same file)
    assert w["ghi_w_m2"].sum() / 1000 == pytest.approx(1371, rel=0.01)
    assert w["temp_air_c"].mean() == pytest.approx(7.1, abs=0.1)
    assert w["wind_speed_m_s"].mean() == pytest.approx(2.23, abs=0.02)
    assert w.attrs["longitude"] == pytest.approx(87.65)
    july = w[w.index.month == 7]["temp_air_c"].mean()
    assert july == pytest.approx(23.7, abs=0.3)


# ------------------------------------------------------------------------------------------ TMY3


def test_tmy3_reader_on_pvlib_sample() -> None:
    import pvlib

    path = Path(os.path.dirname(pvlib.__file__)) / "data" / "723170TYA.CSV"
    assert detect_format(path) == "tmy3"
    w = read_weather(path)
    _assert_table(w)
    raw, meta = pvlib.iotools.read_tmy3(str(path), map_variables=True)
    # first file row = 01/01 01:00 local (UTC-5), hour ending -> hour starting 00:00 local = 05:00 UTC
    assert w.loc["2025-01-01 05:00+00:00", "temp_air_c"] == raw["temp_air"].iloc[0]
    assert w["ghi_w_m2"].sum() == pytest.approx(raw["ghi"].sum())
    assert w["pressure_pa"].median() == pytest.approx(raw["pressure"].median() * 100)


# ------------------------------------------------------------------------------------------ PVGIS


def test_pvgis_csv_reader(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = write_pvgis_csv(tmp_path / "tmy.csv", ref)
    assert detect_format(path) == "pvgis-csv"
    w = read_weather(path)
    _assert_table(w)
    np.testing.assert_allclose(w["ghi_w_m2"].to_numpy(), ref["ghi_w_m2"].to_numpy())
    np.testing.assert_allclose(w["wind_speed_m_s"].to_numpy(), ref["wind_speed_m_s"].to_numpy())
    assert w.attrs["latitude"] == 43.88 and w.attrs["wind_height_m"] == 10.0


def test_pvgis_json_reader(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = write_pvgis_json(tmp_path / "tmy.json", ref)
    assert detect_format(path) == "pvgis-json"
    w = read_weather(path)
    _assert_table(w)
    np.testing.assert_allclose(w["temp_air_c"].to_numpy(), ref["temp_air_c"].to_numpy())
    assert w.attrs["elevation_m"] == 480.0


def test_pvgis_kelvin_rejected(tmp_path: Path, ref: pd.DataFrame) -> None:
    bad = ref.copy()
    bad["temp_air_c"] = bad["temp_air_c"] + 273.15
    err = _error(write_pvgis_json(tmp_path / "k.json", bad))
    assert "kelvin" in err.message


# ------------------------------------------------------------------------------------------ ERA5


@pytest.mark.parametrize("land", [False, True])
def test_era5_reader(tmp_path: Path, ref: pd.DataFrame, land: bool) -> None:
    path = write_era5(tmp_path / "era5.nc", ref, land_accumulation=land)
    assert detect_format(path) == "era5"
    w = read_weather(path, latitude=43.8, longitude=77.05)
    _assert_table(w)
    assert w.attrs["wind_height_m"] == 10.0
    assert w.attrs["latitude"] == 43.75 and w.attrs["longitude"] == 77.0
    np.testing.assert_allclose(w["temp_air_c"].to_numpy(), ref["temp_air_c"].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(w["wind_speed_m_s"].to_numpy(), ref["wind_speed_m_s"].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(w["ghi_w_m2"].to_numpy()[:-1], ref["ghi_w_m2"].to_numpy()[:-1], atol=1e-6)


def test_era5_needs_location_for_a_grid(tmp_path: Path, ref: pd.DataFrame) -> None:
    path = write_era5(tmp_path / "era5.nc", ref, u100=True)
    err = _error(path)
    assert "grid points" in err.message
    w = read_weather(path, latitude=44.0, longitude=77.25)
    assert w.attrs["wind_height_m"] == 100.0
    # that grid point carries +5 K
    assert w["temp_air_c"].mean() == pytest.approx(ref["temp_air_c"].mean() + 5.0, abs=1e-6)
    err = _error(path, latitude=50.0, longitude=77.0)
    assert "more than 1 degree" in err.message


def test_era5_missing_variable(tmp_path: Path, ref: pd.DataFrame) -> None:
    import xarray as xr

    path = write_era5(tmp_path / "era5.nc", ref)
    ds = xr.open_dataset(path).load()
    ds.drop_vars("t2m").to_netcdf(tmp_path / "no_t2m.nc")
    err = _error(tmp_path / "no_t2m.nc", latitude=43.8, longitude=77.0)
    assert err.field == "t2m"


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_weather(tmp_path / "nope.epw")
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01binary")
    with pytest.raises(InputError, match="format"):
        read_weather(p)


def test_csv_without_coordinates_uses_the_fallback(tmp_path: Path, ref: pd.DataFrame) -> None:
    lines = [line for line in csv_lines(ref) if not line.startswith(("# latitude", "# longitude"))]
    # drop DNI/DHI too: they must be derived from GHI at the fallback location
    head_idx = next(i for i, line in enumerate(lines) if line.startswith("time,"))
    rows = [",".join(np.array(line.split(","))[[0, 1, 4, 5]]) for line in lines[head_idx:]]
    path = write_csv(tmp_path / "bare.csv", lines[:head_idx] + rows)
    err = _error(path)
    assert "location" in err.message
    w = read_weather(path, fallback_location=(43.88, 77.08, 480.0))
    assert w.attrs["latitude"] == 43.88
    assert any("Erbs" in n for n in w.attrs["notes"])
    # the derived split is pvlib's Erbs model on the file's GHI, at mid-hour sun positions
    from jasyl.weather.table import decompose_ghi

    dni, dhi = decompose_ghi(ref["ghi_w_m2"], 43.88, 77.08, 480.0)
    np.testing.assert_allclose(w["dni_w_m2"].to_numpy(), dni.to_numpy(), atol=1e-6)
    np.testing.assert_allclose(w["dhi_w_m2"].to_numpy(), dhi.to_numpy(), atol=1e-6)
    assert (w["dhi_w_m2"] <= w["ghi_w_m2"] + 1e-6).all()


def test_epw_without_pressure_and_diffuse(tmp_path: Path, ref: pd.DataFrame) -> None:
    """Optional EPW fields entirely missing are ignored (DNI/DHI derived, pressure dropped)."""
    path = write_epw(tmp_path / "thin.epw", ref)
    lines = path.read_text().splitlines()
    out = lines[:8]
    for line in lines[8:]:
        f = line.split(",")
        f[9] = "999999"  # pressure missing
        f[14] = "9999"  # DNI missing
        f[15] = "9999"  # DHI missing
        out.append(",".join(f))
    path.write_text("\n".join(out) + "\n")
    w = read_weather(path)
    _assert_table(w)
    assert "pressure_pa" not in w
    assert any("Erbs" in n for n in w.attrs["notes"])


def test_era5_single_point(tmp_path: Path, ref: pd.DataFrame) -> None:
    import xarray as xr

    grid = write_era5(tmp_path / "grid.nc", ref)
    ds = xr.open_dataset(grid).load().sel(latitude=43.75, longitude=77.0)  # scalar coordinates
    ds.to_netcdf(tmp_path / "point.nc")
    w = read_weather(tmp_path / "point.nc")  # no location needed: the file has one point
    _assert_table(w)
    assert w.attrs["latitude"] == 43.75
    np.testing.assert_allclose(w["temp_air_c"].to_numpy(), ref["temp_air_c"].to_numpy(), atol=1e-6)
