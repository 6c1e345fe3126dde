"""Electricity the road fleet would draw if fully electric, with charging patterns.

For each fleet row of ``final_energy``: electricity = vehicle-km x the class's consumption in
:data:`EV_KWH_PER_KM`, read from the technology catalogue (``technologies.yaml``, ``vehicles.<class>.
ev_kwh_per_km``: the one source of truth the planner uses as well); when a row has
no vehicle-km, fuel energy x :data:`EV_PER_FUEL_ENERGY` (an electric drive needs about 30 % of the
final energy of a combustion engine). Rows already on electricity keep their energy. Hourly:
charging shapes ``ev_car`` (cars, taxis, motorcycles), ``ev_bus`` (buses, minibuses), ``ev_truck``
(trucks) x a winter factor 1 + 0.015 x max(15 - daily mean C, 0) (cabin heating, battery losses),
scaled to the annual total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jasyl.demand.shapes import hourly_weights
from jasyl.technologies import load_catalogue

__all__ = ["EV_KWH_PER_KM", "EV_PER_FUEL_ENERGY", "CHARGING_GROUP", "ev_annual_mwh", "ev_weights"]

#: kWh per km at the plug by vehicle class: the technology catalogue's (one source of truth)
EV_KWH_PER_KM: dict[str, float] = {
    name: v.ev_kwh_per_km for name, v in load_catalogue().vehicles.items() if name != "default"
}
EV_PER_FUEL_ENERGY = 0.30
CHARGING_GROUP: dict[str, str] = {
    "passenger_car": "cars",
    "taxi": "cars",
    "motorcycle": "cars",
    "minibus": "bus",
    "bus": "bus",
    "light_truck": "trucks",
    "heavy_truck": "trucks",
}
_SHAPE = {"cars": "ev_car", "bus": "ev_bus", "trucks": "ev_truck"}


def ev_annual_mwh(fleet_rows: pd.DataFrame) -> dict[str, float]:
    """Annual EV electricity by charging group from the transport rows of ``final_energy``."""
    out = {"cars": 0.0, "bus": 0.0, "trucks": 0.0}
    for row in fleet_rows.itertuples(index=False):
        vclass = str(row.vehicle_class)
        group = CHARGING_GROUP.get(vclass, "trucks" if "truck" in vclass else "cars")
        if row.carrier == "grid_electricity":
            mwh = float(row.energy_mwh)
        elif float(row.vkm) > 0 and vclass in EV_KWH_PER_KM:
            mwh = float(row.vkm) * EV_KWH_PER_KM[vclass] / 1000.0
        else:
            mwh = float(row.energy_mwh) * EV_PER_FUEL_ENERGY
        out[group] += mwh
    return out


def ev_weights(group: str, temp_air_c: pd.Series, local: pd.DatetimeIndex) -> np.ndarray:
    day = local.normalize().tz_localize(None)
    daily = pd.Series(temp_air_c.to_numpy(float), index=day).groupby(level=0).transform("mean").to_numpy()
    winter = 1.0 + 0.015 * np.clip(15.0 - daily, 0.0, None)
    return hourly_weights(_SHAPE[group], local) * winter
