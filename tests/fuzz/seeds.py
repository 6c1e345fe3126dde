"""Valid files of every format the fuzzers start from (written once per test process)."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from tests.weather.helpers import (
    csv_lines,
    reference_weather,
    write_csv,
    write_epw,
    write_era5,
    write_pvgis_csv,
    write_pvgis_json,
)

URUMQI = Path(__file__).resolve().parents[3] / "shared" / "data" / "weather" / (
    "CHN_Xinjiang.Uygur.Urumqi.514630_CSWD.epw")


@functools.cache
def seed_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="jasyl-fuzz-seeds-"))


@functools.cache
def weather_seeds() -> dict[str, list[Path]]:
    """Valid weather files per format (several where the format has variants)."""
    d = seed_dir()
    w = reference_weather()
    csv_full = write_csv(d / "weather.csv", csv_lines(w, offset_h=5))
    lines = csv_lines(w, offset_h=0)
    head = next(i for i, line in enumerate(lines) if line.startswith("time"))
    ghi_only = lines[:head] + [",".join(p for i, p in enumerate(line.split(",")) if i not in (2, 3))
                               for line in lines[head:]]
    csv_ghi = write_csv(d / "weather_ghi_only.csv", ghi_only)
    epws = [write_epw(d / "weather.epw", w)]
    if URUMQI.is_file():
        epws.append(URUMQI)
    import pvlib

    tmy3 = Path(os.path.dirname(pvlib.__file__)) / "data" / "723170TYA.CSV"
    return {
        "csv": [csv_full, csv_ghi],
        "epw": epws,
        "tmy3": [tmy3],
        "pvgis-csv": [write_pvgis_csv(d / "pvgis.csv", w)],
        "pvgis-json": [write_pvgis_json(d / "pvgis.json", w)],
        "era5": [write_era5(d / "era5.nc", w), write_era5(d / "era5_land.nc", w, land_accumulation=True)],
    }


def embedded(*parts: str) -> bytes:
    return (resources.files("jasyl").joinpath("data", *parts)).read_bytes()


# ------------------------------------------------------------------------------------ monitoring

def _hours(n: int, start: str = "2024-01-10T00:00:00Z") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="h")


@functools.cache
def monitoring_seeds() -> dict[str, bytes]:
    """Small valid files of each ingest format (a day or two of data, some real-world quirks)."""
    rng = np.random.default_rng(5)
    out: dict[str, bytes] = {}
    # OpenAQ S3 archive CSV: local times with offsets, units spelled as OpenAQ does
    lines = ["location_id,sensors_id,location,datetime,lat,lon,parameter,units,value"]
    for t in _hours(36):
        local = (t + pd.Timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S+05:00")
        lines.append(f"8118,21190,Konaev-8118,{local},43.867,77.062,pm25,µg/m³,{rng.lognormal(3, .5):.1f}")
        lines.append(f"8118,21191,Konaev-8118,{local},43.867,77.062,no2,ppb,{rng.lognormal(2.5, .4):.1f}")
        lines.append(f"8118,21192,Konaev-8118,{local},43.867,77.062,co,ppm,{rng.lognormal(-.5, .4):.2f}")
    out["openaq.csv"] = ("\n".join(lines) + "\n").encode()
    # OpenAQ Explorer download: UTC column, other names
    lines = ["location_id,location_name,parameter,value,unit,datetimeUtc,datetimeLocal,timezone,latitude,"
             "longitude,country_iso,isMobile,isMonitor,owner_name,provider"]
    for t in _hours(30):
        lines.append(f"8118,Konaev,pm10,{rng.lognormal(3.5, .5):.1f},µg/m³,{t.strftime('%Y-%m-%dT%H:%M:%SZ')},"
                     f"{(t + pd.Timedelta(hours=5)).strftime('%Y-%m-%dT%H:%M:%S+05:00')},Asia/Almaty,43.867,"
                     "77.062,KZ,false,true,Kazhydromet,AirGradient")
    out["openaq_explorer.csv"] = ("\n".join(lines) + "\n").encode()
    # OpenAQ v3 /sensors/{id}/measurements JSON
    results = []
    for t in _hours(30):
        results.append({
            "value": round(float(rng.lognormal(3, .5)), 1), "flagInfo": {"hasFlags": False},
            "parameter": {"id": 2, "name": "pm25", "units": "µg/m³", "displayName": None},
            "period": {"label": "raw", "interval": "01:00:00",
                       "datetimeFrom": {"utc": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                        "local": (t + pd.Timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S+05:00")},
                       "datetimeTo": {"utc": (t + pd.Timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}},
            "coordinates": {"latitude": 43.867, "longitude": 77.062}, "locationsId": 8118,
            "summary": None, "coverage": {"expectedCount": 1, "observedCount": 1, "percentComplete": 100},
        })
    out["openaq.json"] = json.dumps({"meta": {"name": "openaq-api", "page": 1, "limit": 100, "found": 30},
                                     "results": results}).encode()
    # Sensor.Community archive CSV (SDS011 PM sensor and a BME280 on the same device)
    lines = ["sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2"]
    t0 = pd.Timestamp("2024-01-10T00:01:12")
    for i in range(60):
        t = t0 + pd.Timedelta(seconds=145 * i + int(rng.integers(0, 20)))
        lines.append(f"12345;SDS011;6789;43.870;77.060;{t.strftime('%Y-%m-%dT%H:%M:%S')};"
                     f"{rng.lognormal(3.2, .4):.2f};;;{rng.lognormal(2.8, .4):.2f};;")
    out["sensor_community.csv"] = ("\n".join(lines) + "\n").encode()
    lines = ["sensor_id;sensor_type;location;lat;lon;timestamp;pressure;altitude;pressure_sealevel;temperature;"
             "humidity"]
    for i in range(40):
        t = t0 + pd.Timedelta(seconds=150 * i)
        lines.append(f"12346;BME280;6789;43.870;77.060;{t.strftime('%Y-%m-%dT%H:%M:%S')};95512.3;;;"
                     f"{-8 + rng.normal(0, 1):.2f};{70 + rng.normal(0, 8):.2f}")
    out["sensor_community_bme280.csv"] = ("\n".join(lines) + "\n").encode()
    # jasyl plain CSV: laboratory water samples with averaging, lab and sample ids
    lines = ["site_code,site_name,site_kind,latitude,longitude,time,parameter,value,unit,averaging,lab,sample_id"]
    params = [("bod5", "mg/L", 2.5), ("cod", "mg/L", 15.0), ("ammonium", "mg/L as N", 0.3),
              ("nitrate", "mg/L", 3.0), ("dissolved_oxygen", "mg/L", 8.0), ("copper", "mg/L", 0.004)]
    for m in range(1, 5):
        for site in ("kap-1", "kap-2"):
            for p, u, v in params:
                lines.append(f"{site},Kapchagay {site[-1]},water_point,43.89,77.03,2024-{m:02d}-15T10:00:00+05:00,"
                             f"{p},{v * rng.lognormal(0, .2):.4g},{u},sample,KazHydroMet lab,S-{m}-{site}")
    out["lab.csv"] = ("\n".join(lines) + "\n").encode()
    # plain CSV of hourly air data, ';'-separated (as Excel in ru/kk locales writes)
    lines = ["site_code;site_kind;time;parameter;value;unit;averaging"]
    for t in _hours(30):
        lines.append(f"konaev-1;air_station;{t.strftime('%Y-%m-%dT%H:%M:%SZ')};pm25;{rng.lognormal(3, .5):.1f};"
                     "ug/m3;1h")
    out["air_semicolon.csv"] = ("\n".join(lines) + "\n").encode()
    # pollution-source register: CSV and GeoJSON
    out["sources.csv"] = (b"name,type,status,latitude,longitude,approximate_location,operator,notes\n"
                          b"Brick works 1,brick_works,operating,43.85,77.05,true,LLP Kirpich,kiln\n"
                          b"Quarry north,quarry,closed,43.95,77.10,false,,\n"
                          b"Outfall 3,sewage_outfall,illegal,43.87,77.02,yes,,reported 2024\n")
    out["sources.geojson"] = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [77.05, 43.85]},
         "properties": {"name": "Brick works 1", "type": "brick_works", "status": "operating"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [77.1, 43.95]},
         "properties": {"name": "Landfill", "type": "landfill", "status": "under_restoration",
                        "approximate_location": True}}]}).encode()
    return out
