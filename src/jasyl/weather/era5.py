"""ERA5 single-point or small-area netCDF (Copernicus CDS), read with xarray.

Variables used (CDS short names): ``ssrd`` surface solar radiation downwards (J/m2 accumulated over
the hour ending at the time stamp, or since 00 UTC in ERA5-Land files: both are recognised),
optional ``fdir`` (direct horizontal, J/m2, gives DNI/DHI; otherwise Erbs is used), ``t2m`` (K),
``u100``/``v100`` (preferred, 100 m) or ``u10``/``v10`` (10 m) in m/s, optional ``sp`` (Pa) and ``z``
(surface geopotential, m2/s2, gives the elevation). The grid point nearest to the requested latitude
and longitude is used. Instantaneous values (t2m, wind, sp) are taken at the start of each hour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jasyl.errors import InputError, shorten
from jasyl.weather.table import finalize, solar_position_midhour

__all__ = ["read_era5_weather"]

_G = 9.80665


def _coord_name(ds: Any, names: tuple[str, ...]) -> str | None:
    for n in names:
        if n in ds.coords or n in ds.dims:
            return n
    return None


def _deaccumulate(acc: pd.Series) -> pd.Series:
    """Hourly energies from values accumulated since 00 UTC (ERA5-Land convention)."""
    diff = acc.diff()
    first_of_day = pd.DatetimeIndex(acc.index).hour == 1
    diff[first_of_day] = acc[first_of_day]
    return diff


def _check_dataset(ds: Any, file: Path) -> None:
    """Variables jasyl reads are numeric arrays."""
    for name in ("ssrd", "fdir", "t2m", "u10", "v10", "u100", "v100", "sp", "z"):
        if name in ds and not np.issubdtype(ds[name].dtype, np.number):
            raise InputError(f"variable '{name}' holds {ds[name].dtype} values, not numbers", file=file, field=name,
                             fix="give the unmodified ERA5 variables")


def _check_coords(ds: Any, file: Path, tname: str, latn: str | None, lonn: str | None,
                  wind: tuple[str, str]) -> None:
    """Time and grid coordinates exist, are numbers or times, and every variable runs along time."""
    if tname not in ds.coords or not np.issubdtype(ds[tname].dtype, np.datetime64):
        raise InputError(f"'{tname}' has no date-time values", file=file, field=tname,
                         fix="give the unmodified ERA5 time coordinate")
    times = pd.DatetimeIndex(ds[tname].values)
    if len(times) < 2:
        raise InputError(f"the file holds {len(times)} time step(s)", file=file, field=tname,
                         fix="give at least one year of hourly ERA5 data")
    if times.hasnans:
        raise InputError(f"time step {int(np.flatnonzero(times.isna())[0]) + 1} is empty", file=file, field=tname,
                         fix="give the unmodified ERA5 time coordinate")
    dup = times.duplicated()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(f"time step {pos + 1} ({times[pos]}) repeats an earlier one", file=file, field=tname,
                         fix="give each hour once (merge files with distinct times)")
    if not times.is_monotonic_increasing:
        pos = int(np.flatnonzero(np.diff(times.asi8) < 0)[0]) + 1
        raise InputError(f"time goes backwards at step {pos + 1} ({times[pos]})", file=file, field=tname,
                         fix="sort the file by time")
    for name in (latn, lonn):
        if name is not None and (name not in ds.coords or not np.issubdtype(ds[name].dtype, np.number)):
            raise InputError(f"the dimension '{name}' has no coordinate values in degrees", file=file, field=name,
                             fix="give the unmodified ERA5 latitude/longitude coordinates")
        if name is not None and not np.isfinite(np.asarray(ds[name].values, dtype=float)).all():
            raise InputError(f"the coordinate '{name}' has empty values", file=file, field=name,
                             fix="give the unmodified ERA5 latitude/longitude coordinates")
    for name in ("ssrd", "t2m", *wind, "fdir", "sp"):
        if name in ds and tname not in ds[name].dims:
            raise InputError(f"variable '{name}' does not run along '{tname}'", file=file, field=name,
                             fix="give hourly ERA5 variables with dimensions time/latitude/longitude")


def read_era5_weather(
    path: str | Path,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    elevation_m: float | None = None,
    fill_gaps_hours: int = 0,
    year: int | None = None,
) -> pd.DataFrame:
    import xarray as xr  # noqa: PLC0415 - xarray and netCDF are needed for ERA5 files only

    file = Path(path)
    try:
        ds = xr.open_dataset(file)
    except Exception as exc:  # noqa: BLE001 - any failure to open is a damaged or foreign file
        raise InputError(
            f"not a readable netCDF file ({type(exc).__name__}: {shorten(exc, 200)})",
            file=file,
            fix="give an ERA5 netCDF file downloaded from the Copernicus CDS",
        ) from None
    with ds:
        _check_dataset(ds, file)
        for needed in ("ssrd", "t2m"):
            if needed not in ds:
                raise InputError(
                    f"variable '{needed}' is missing (variables: {', '.join(map(str, ds.data_vars))})",
                    file=file,
                    field=needed,
                    fix="request ssrd, t2m and u10/v10 or u100/v100 from ERA5",
                )
        if "u100" in ds and "v100" in ds:
            u, v, height = "u100", "v100", 100.0
        elif "u10" in ds and "v10" in ds:
            u, v, height = "u10", "v10", 10.0
        else:
            raise InputError(
                "no wind components (u10/v10 or u100/v100)", file=file, field="u10", fix="request u10 and v10"
            )
        if "expver" in ds.dims:  # ERA5 + ERA5T mixture: keep the first non-empty version per time
            ds = ds.max("expver")
        tname = _coord_name(ds, ("valid_time", "time"))
        if tname is None:
            raise InputError("no time coordinate ('time' or 'valid_time')", file=file, field="time")
        latn = _coord_name(ds, ("latitude", "lat"))
        lonn = _coord_name(ds, ("longitude", "lon"))
        _check_coords(ds, file, tname, latn, lonn, (u, v))
        point: dict[str, Any] = {}
        notes: list[str] = []
        if latn and lonn and ds[latn].size * ds[lonn].size > 1:
            if latitude is None or longitude is None:
                raise InputError(
                    f"the file holds {ds[latn].size * ds[lonn].size} grid points and no location was given",
                    file=file,
                    field="latitude",
                    fix="pass --lat and --lon (or use the city's coordinates)",
                )
            lons = ds[lonn].values
            want_lon = longitude % 360.0 if float(np.nanmax(lons)) > 180.0 else longitude
            point = {latn: latitude, lonn: want_lon}
            try:
                ds = ds.sel(point, method="nearest")
            except (KeyError, ValueError, TypeError) as exc:
                raise InputError(f"cannot pick the grid point nearest to ({latitude}, {longitude}):"
                                 f" {shorten(exc, 200)}", file=file, field=latn,
                                 fix="give latitude/longitude coordinates in degrees") from None
        for name in (latn, lonn):
            if name and np.size(ds[name].values) != 1:
                raise InputError(f"the '{name}' coordinate does not give one grid point (it has "
                                 f"{np.size(ds[name].values)} values after picking the nearest: repeated or "
                                 "two-dimensional coordinates)", file=file, field=name,
                                 fix="give a file on a regular latitude/longitude grid (as the CDS delivers)")
        glat = float(np.ravel(ds[latn].values)[0]) if latn else latitude
        glon = float(np.ravel(ds[lonn].values)[0]) if lonn else longitude
        if glon is not None and glon > 180.0:
            glon -= 360.0
        if latitude is not None and longitude is not None and glat is not None and glon is not None:
            dist_deg = max(abs(glat - latitude), abs(glon - longitude))
            if dist_deg > 1.0:
                raise InputError(
                    f"the nearest grid point ({glat:.2f}, {glon:.2f}) is more than 1 degree from"
                    f" ({latitude:.2f}, {longitude:.2f})",
                    file=file,
                    field="latitude",
                    fix="download ERA5 for an area that contains the site",
                )
            if point:
                notes.append(f"ERA5 grid point {glat:.2f} N {glon:.2f} E (nearest to the site)")
        lat = glat if glat is not None else latitude
        lon = glon if glon is not None else longitude
        elev = elevation_m
        if elev is None and "z" in ds:
            elev = float(np.asarray(ds["z"].values).ravel()[0]) / _G
        times = pd.DatetimeIndex(pd.to_datetime(ds[tname].values)).tz_localize("UTC")

        def series(name: str) -> pd.Series:
            values = np.asarray(ds[name].values, dtype=float).reshape(len(times), -1)
            if values.shape[1] != 1:
                raise InputError(
                    f"variable '{name}' has more than one value per time after selecting the grid point",
                    file=file,
                    field=name,
                    fix="give a single-level, single-point or gridded file with dimensions time/lat/lon",
                )
            return pd.Series(values[:, 0], index=times)

        units = str(ds["ssrd"].attrs.get("units", "J m**-2"))
        ssrd = series("ssrd")
        fdir = series("fdir") if "fdir" in ds else None
        t2m = series("t2m")
        wind = np.hypot(series(u), series(v))
        sp = series("sp") if "sp" in ds else None
    if "W" in units:
        ghi = ssrd
    else:
        if float(ssrd.max()) / 3600.0 > 1400.0:
            ssrd = _deaccumulate(ssrd)
            fdir = _deaccumulate(fdir) if fdir is not None else None
            notes.append("ssrd de-accumulated (values accumulated since 00 UTC, ERA5-Land convention)")
        # accumulation over the hour ending at the stamp -> label the hour by its start
        ghi = ssrd / 3600.0
        ghi.index = ghi.index - pd.Timedelta(hours=1)
        if fdir is not None:
            fdir = fdir / 3600.0
            fdir.index = fdir.index - pd.Timedelta(hours=1)
    frame = pd.DataFrame({"temp_air_c": t2m - 273.15, "wind_speed_m_s": wind}, index=times)
    if float(t2m.median()) < 150.0:
        raise InputError(
            f"t2m median is {t2m.median():.1f}: ERA5 t2m must be in kelvin",
            file=file,
            field="t2m",
            fix="give the unmodified ERA5 variable",
        )
    frame["ghi_w_m2"] = ghi.reindex(times)
    # the last hour's radiation sits in the next file's first stamp: carry the previous hour
    if pd.isna(frame["ghi_w_m2"].iloc[-1]):
        frame.iloc[-1, frame.columns.get_loc("ghi_w_m2")] = frame["ghi_w_m2"].iloc[-2]
        notes.append("the last hour's GHI repeated from the hour before (accumulation lies outside the file)")
    if sp is not None:
        frame["pressure_pa"] = sp
    if fdir is not None and lat is not None and lon is not None:
        fdir = fdir.reindex(times).ffill()
        pos = solar_position_midhour(times, lat, lon, elev or 0.0)
        cosz = np.cos(np.radians(pos["zenith"])).clip(lower=0.065)
        frame["dhi_w_m2"] = (frame["ghi_w_m2"] - fdir).clip(lower=0.0)
        frame["dni_w_m2"] = (fdir / cosz).where(pos["zenith"] < 87.0, 0.0).clip(lower=0.0, upper=1400.0)
    return finalize(
        frame,
        file=file,
        source=f"ERA5 {file.name}",
        latitude=lat,
        longitude=lon,
        elevation_m=elev,
        wind_height_m=height,
        typical=False,
        fill_gaps_hours=fill_gaps_hours,
        year=year,
        notes=notes,
    )
