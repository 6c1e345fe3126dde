"""PV capacity factors with pvlib (per kWp DC; AC output after inverter and losses).

Chain (per hour, solar position at mid-hour):
Perez transposition (pvlib) of GHI/DNI/DHI onto the plane of array (fixed tilt facing the equator,
or a horizontal north-south single-axis tracker with backtracking) -> incidence-angle loss on the
beam (physical IAM, pvlib) -> PVsyst cell temperature (pvlib; free-standing racks u_c = 29, roof
mounting u_c = 20 W/m2K) -> PVWatts DC power with -0.35 %/K -> PVWatts system losses (soiling,
mismatch, wiring, connections, light-induced degradation, nameplate, availability: 12 % for
utility plants = PVWatts' 14 % default without its 3 % shading term, as rows are spaced and trackers
backtrack; 18 % rooftop = 14 % + 4 % extra shading and soiling) -> PVWatts inverter (96 % nominal
efficiency, DC/AC ratio 1.2 utility / 1.1 rooftop, clipping) -> AC capacity factor per kWp DC.

The fixed-tilt angle is the latitude fit of Jacobson & Jadhav (2018, Solar Energy 169, 55-66),
optimal for annual yield: about 33 degrees at Konaev (43.9 N).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jasyl.weather.table import solar_position_midhour

__all__ = ["PVSystemSpec", "UTILITY_FIXED", "TRACKING", "ROOFTOP", "optimal_tilt_deg", "pv_capacity_factor"]


def optimal_tilt_deg(latitude: float) -> float:
    """Annual-yield optimal fixed tilt (Jacobson & Jadhav 2018 polynomial fit), degrees."""
    lat = abs(latitude)
    if lat > 65.0:
        lat = 65.0
    tilt = 1.3793 + lat * (1.2011 + lat * (-0.014404 + lat * 0.000080509))
    return float(min(max(tilt, 0.0), 90.0))


@dataclass(frozen=True)
class PVSystemSpec:
    """A PV system per kWp DC. ``tilt_deg=None`` = optimal tilt for the latitude."""

    name: str
    tracking: bool = False
    tilt_deg: float | None = None
    tilt_offset_deg: float = 0.0
    system_loss: float = 0.12
    dc_ac_ratio: float = 1.2
    inverter_efficiency: float = 0.96
    gamma_pdc_per_k: float = -0.0035
    u_c: float = 29.0
    albedo: float = 0.2
    gcr: float = 0.35
    max_angle_deg: float = 60.0


UTILITY_FIXED = PVSystemSpec(name="utility PV, fixed optimal tilt")
TRACKING = PVSystemSpec(name="utility PV, single-axis tracking (N-S axis, backtracking)", tracking=True)
#: Rooftop: tilt 20 degrees lower than optimal (flat and low-pitch roofs), warmer roof-mounted
#: modules, more losses (shading, soiling, wiring), lower DC/AC ratio.
ROOFTOP = PVSystemSpec(name="rooftop PV, low tilt", tilt_offset_deg=-20.0, system_loss=0.18, dc_ac_ratio=1.1, u_c=20.0)


def pv_capacity_factor(weather: pd.DataFrame, spec: PVSystemSpec = UTILITY_FIXED) -> pd.Series:
    """Hourly AC output per kWp DC (0..1) for ``spec`` under ``weather``."""
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    a = weather.attrs
    lat = float(a["latitude"])
    lon = float(a["longitude"])
    elev = float(a.get("elevation_m") or 0.0)
    index = pd.DatetimeIndex(weather.index)
    pos = solar_position_midhour(index, lat, lon, elev)
    mid = index + pd.Timedelta(minutes=30)
    dni_extra = pd.Series(pvlib.irradiance.get_extra_radiation(mid).to_numpy(), index=index)
    airmass = pvlib.atmosphere.get_relative_airmass(pos["apparent_zenith"])
    azimuth_eq = 180.0 if lat >= 0 else 0.0
    if spec.tracking:
        trk = pvlib.tracking.singleaxis(
            pos["apparent_zenith"],
            pos["azimuth"],
            axis_tilt=0.0,
            axis_azimuth=azimuth_eq,
            max_angle=spec.max_angle_deg,
            backtrack=True,
            gcr=spec.gcr,
        )
        surface_tilt = trk["surface_tilt"].fillna(0.0)
        surface_azimuth = trk["surface_azimuth"].fillna(azimuth_eq)
    else:
        tilt = spec.tilt_deg if spec.tilt_deg is not None else optimal_tilt_deg(lat)
        tilt = min(max(tilt + spec.tilt_offset_deg, 0.0), 90.0)
        surface_tilt = pd.Series(tilt, index=index)
        surface_azimuth = pd.Series(azimuth_eq, index=index)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt,
        surface_azimuth,
        pos["apparent_zenith"],
        pos["azimuth"],
        weather["dni_w_m2"],
        weather["ghi_w_m2"],
        weather["dhi_w_m2"],
        dni_extra=dni_extra,
        airmass=airmass,
        albedo=spec.albedo,
        model="perez",
    )
    aoi = pvlib.irradiance.aoi(surface_tilt, surface_azimuth, pos["apparent_zenith"], pos["azimuth"])
    iam = pvlib.iam.physical(aoi).fillna(0.0)
    poa_direct = poa["poa_direct"].fillna(0.0).clip(lower=0.0)
    poa_diffuse = poa["poa_diffuse"].fillna(0.0).clip(lower=0.0)
    effective = poa_direct * iam + poa_diffuse * 0.95  # diffuse IAM ~0.95 for glass modules
    poa_global = (poa_direct + poa_diffuse).to_numpy()
    temp_cell = pvlib.temperature.pvsyst_cell(poa_global, weather["temp_air_c"].to_numpy(), u_c=spec.u_c, u_v=0.0)
    pdc = pvlib.pvsystem.pvwatts_dc(effective.to_numpy(), temp_cell, pdc0=1.0, gamma_pdc=spec.gamma_pdc_per_k)
    pdc = np.clip(np.nan_to_num(pdc, nan=0.0), 0.0, None) * (1.0 - spec.system_loss)
    pac = pvlib.inverter.pvwatts(pdc, pdc0=1.0 / spec.dc_ac_ratio, eta_inv_nom=spec.inverter_efficiency)
    cf = np.clip(np.nan_to_num(np.asarray(pac, dtype=float), nan=0.0), 0.0, 1.0)
    return pd.Series(cf, index=index, name="pv_cf")
