"""GPC-style greenhouse-gas inventory of a city (BASIC level: stationary energy, transport, waste).

Method (Global Protocol for Community-Scale GHG Emission Inventories, GPC v1.1, 2021):

* stationary fuel combustion and road fuel: scope 1, IPCC 2006 Tier 1 (activity x factor per TJ);
* grid electricity and district heat used in the city: scope 2, location-based factors;
* district heat produced by boiler houses inside the city is reported as the memo item I.4.4
  (energy generation supplied to the grid), outside the BASIC total, so it is not counted twice;
  its fuel use sets the district-heat factor when the city file gives it;
* biogenic CO2 (firewood) is reported separately and kept out of the total; its CH4/N2O count;
* solid waste: IPCC 2006 methane commitment (Vol. 5 Ch. 3 eq. 3.1 with DOC/MCF/F defaults);
* domestic wastewater: IPCC 2006 Vol. 5 Ch. 6 (eq. 6.1-6.3 CH4, eq. 6.7-6.8 N2O of effluent);
* sub-sectors with no data carry a notation key: NO (not occurring), NE (not estimated),
  IE (included elsewhere), C (confidential); a missing key defaults to NE.

All totals are computed from the same rows with :func:`math.fsum`, so sector totals add up to the
total exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jasyl.city import City, VehicleFleet
from jasyl.errors import InputError
from jasyl.factors import amount_to_mwh, country_factors, fuels, gwp, gwp_sets
from jasyl.units import dimension_of

__all__ = ["Inventory", "compute_inventory", "final_energy", "GPC_REFERENCES", "emission_factors"]

MWH_TO_TJ = 0.0036

#: GPC BASIC reference numbers: ref -> (sector, subsector, scope)
GPC_REFERENCES: dict[str, tuple[str, str, int]] = {
    "I.1.1": ("stationary_energy", "residential", 1),
    "I.1.2": ("stationary_energy", "residential", 2),
    "I.2.1": ("stationary_energy", "commercial_institutional", 1),
    "I.2.2": ("stationary_energy", "commercial_institutional", 2),
    "I.3.1": ("stationary_energy", "manufacturing_construction", 1),
    "I.3.2": ("stationary_energy", "manufacturing_construction", 2),
    "I.4.1": ("stationary_energy", "energy_industries", 1),
    "I.4.2": ("stationary_energy", "energy_industries", 2),
    "I.5.1": ("stationary_energy", "agriculture_forestry_fishing", 1),
    "I.5.2": ("stationary_energy", "agriculture_forestry_fishing", 2),
    "I.6.1": ("stationary_energy", "non_specified", 1),
    "I.6.2": ("stationary_energy", "non_specified", 2),
    "I.7.1": ("stationary_energy", "fugitive_coal", 1),
    "I.8.1": ("stationary_energy", "fugitive_oil_gas", 1),
    "II.1.1": ("transport", "on_road", 1),
    "II.1.2": ("transport", "on_road", 2),
    "II.2.1": ("transport", "railways", 1),
    "II.2.2": ("transport", "railways", 2),
    "II.3.1": ("transport", "waterborne", 1),
    "II.3.2": ("transport", "waterborne", 2),
    "II.4.1": ("transport", "aviation", 1),
    "II.4.2": ("transport", "aviation", 2),
    "II.5.1": ("transport", "off_road", 1),
    "II.5.2": ("transport", "off_road", 2),
    "III.1.1": ("waste", "solid_waste_disposal", 1),
    "III.1.2": ("waste", "solid_waste_disposal", 3),
    "III.2.1": ("waste", "biological_treatment", 1),
    "III.2.2": ("waste", "biological_treatment", 3),
    "III.3.1": ("waste", "incineration_open_burning", 1),
    "III.3.2": ("waste", "incineration_open_burning", 3),
    "III.4.1": ("waste", "wastewater", 1),
    "III.4.2": ("waste", "wastewater", 3),
}
_STATIONARY_REF = {
    "residential": "I.1",
    "commercial_institutional": "I.2",
    "manufacturing_construction": "I.3",
    "agriculture_forestry_fishing": "I.5",
}
#: CH4/N2O use category of the catalogue for each stationary sub-sector
_USE = {
    "residential": "residential",
    "commercial_institutional": "commercial_institutional",
    "manufacturing_construction": "manufacturing_construction",
    "agriculture_forestry_fishing": "commercial_institutional",
    "energy_industries": "energy_industries",
    "on_road": "on_road",
}
#: IPCC 2006 Vol. 5 Table 6.3 methane correction factors for domestic wastewater
WASTEWATER_MCF: dict[str, float] = {
    "centralised_aerobic_well_managed": 0.0,
    "centralised_aerobic_overloaded": 0.3,
    "anaerobic_lagoon": 0.8,
    "septic_system": 0.5,
    "latrine": 0.1,
    "untreated_to_river": 0.1,
}
#: IPCC 2006 Vol. 5 eq. 6.3: I = 1.25 for collected wastewater (industrial co-discharge), 1.0 otherwise
WASTEWATER_I: dict[str, float] = {
    "centralised_aerobic_well_managed": 1.25,
    "centralised_aerobic_overloaded": 1.25,
    "anaerobic_lagoon": 1.25,
    "septic_system": 1.0,
    "latrine": 1.0,
    "untreated_to_river": 1.0,
}
WASTEWATER_BO_KG_CH4_PER_KG_BOD = 0.6  # IPCC 2006 Vol. 5 Table 6.2
N2O_EFFLUENT_KG_N_PER_KG_N = 0.005  # IPCC 2006 Vol. 5 Table 6.11
F_NPR, F_NON_CON, F_IND_COM = 0.16, 1.1, 1.25  # IPCC 2006 Vol. 5 Table 6.11

_DETAIL_COLUMNS = [
    "sector",
    "subsector",
    "gpc_ref",
    "scope",
    "carrier",
    "vehicle_class",
    "activity_mwh",
    "co2_t",
    "ch4_t",
    "n2o_t",
    "tco2e",
    "biogenic_co2_t",
    "notation",
    "method",
]


# ------------------------------------------------------------------------------------- final energy


def _fleet_energy_mwh(fleet: VehicleFleet, where: str) -> tuple[float, float]:
    """(energy MWh, vehicle-km) of a fleet."""
    vehicles = fleet.vehicles.value
    vkm = 0.0
    if fleet.annual_km_per_vehicle is not None:
        km = fleet.annual_km_per_vehicle.value
        if fleet.annual_km_per_vehicle.unit not in (None, "km"):
            raise InputError(
                "annual_km_per_vehicle must be in km", field=f"{where}.annual_km_per_vehicle", fix="unit: km"
            )
        vkm = vehicles * km
    carrier = fleet.fuel  # "electricity" in a city file is read as grid_electricity (jasyl.vocabulary)
    if fleet.fuel_use is not None:
        unit = fleet.fuel_use.unit or ""
        return amount_to_mwh(carrier, fleet.fuel_use.value, unit, where=f"{where}.fuel_use"), vkm
    assert fleet.consumption is not None and fleet.consumption.unit is not None
    amount_unit = fleet.consumption.unit.split("/")[0]
    amount = vkm * fleet.consumption.value / 100.0
    if carrier == "grid_electricity" and dimension_of(amount_unit) != "energy":
        raise InputError(
            "electric vehicles' consumption must be in kWh/100km", field=f"{where}.consumption", fix="unit: kWh/100km"
        )
    return amount_to_mwh(carrier, amount, amount_unit, where=f"{where}.consumption"), vkm


def final_energy(city: City) -> pd.DataFrame:
    """Annual final energy by sector, sub-sector and carrier: the one source of truth for demand.

    Columns: ``sector``, ``subsector``, ``carrier``, ``vehicle_class``, ``public_transport``,
    ``energy_mwh`` (net calorific value), ``vehicles``, ``vkm``.
    """
    rows: list[dict[str, Any]] = []
    for subsector in _STATIONARY_REF:
        for i, use in enumerate(getattr(city.stationary_energy, subsector)):
            unit = use.amount.unit or ""
            where = f"stationary_energy.{subsector}[{i}].amount"
            rows.append(
                {
                    "sector": "stationary_energy",
                    "subsector": subsector,
                    "carrier": use.fuel,
                    "vehicle_class": "",
                    "public_transport": False,
                    "energy_mwh": amount_to_mwh(use.fuel, use.amount.value, unit, where=where),
                    "vehicles": 0.0,
                    "vkm": 0.0,
                }
            )
    for i, fleet in enumerate(city.transport.on_road):
        energy, vkm = _fleet_energy_mwh(fleet, f"transport.on_road[{i}]")
        rows.append(
            {
                "sector": "transport",
                "subsector": "on_road",
                "carrier": fleet.fuel,
                "vehicle_class": fleet.vehicle_class,
                "public_transport": fleet.public_transport,
                "energy_mwh": energy,
                "vehicles": fleet.vehicles.value,
                "vkm": vkm,
            }
        )
    columns = ["sector", "subsector", "carrier", "vehicle_class", "public_transport", "energy_mwh", "vehicles", "vkm"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------------------- factors


def _boiler_houses(city: City) -> tuple[float, float, float, float, float]:
    """(fuel MWh, CO2 t, CH4 t, N2O t, biogenic CO2 t) of all boiler houses in the city."""
    fuel_mwh = co2 = ch4 = n2o = bio = 0.0
    catalogue = fuels()
    for i, house in enumerate(city.local_supply.boiler_houses):
        mwh = amount_to_mwh(
            house.fuel,
            house.fuel_use.value,
            house.fuel_use.unit or "",
            where=f"local_supply.boiler_houses[{i}].fuel_use",
        )
        spec = catalogue[house.fuel]
        tj = mwh * MWH_TO_TJ
        c4, n2 = spec.non_co2("energy_industries")
        fuel_mwh += mwh
        if spec.biogenic:
            bio += tj * spec.co2_kg_per_tj / 1000
        else:
            co2 += tj * spec.co2_kg_per_tj / 1000
        ch4 += tj * c4 / 1000
        n2o += tj * n2 / 1000
    return fuel_mwh, co2, ch4, n2o, bio


def emission_factors(city: City, gwp_set: str = "AR5") -> dict[str, dict[str, Any]]:
    """Scope-2 factors used for ``city`` (tCO2e/MWh), each with its value, source and year."""
    catalogued = country_factors(city.country)
    out: dict[str, dict[str, Any]] = {}
    grid = city.factors.grid_electricity_tco2_per_mwh
    if grid is not None:
        out["grid_electricity"] = {
            "value": grid.value,
            "source": grid.source or grid.estimate or "city file",
            "year": grid.year,
        }
    elif "grid_electricity_tco2_per_mwh" in catalogued:
        spec = catalogued["grid_electricity_tco2_per_mwh"]
        out["grid_electricity"] = {"value": float(spec["value"]), "source": spec["source"], "year": spec.get("year")}
    heat = city.factors.district_heat_tco2_per_mwh
    energy = final_energy(city)
    heat_use = math.fsum(energy.loc[energy["carrier"] == "district_heat", "energy_mwh"])
    if heat is not None:
        out["district_heat"] = {
            "value": heat.value,
            "source": heat.source or heat.estimate or "city file",
            "year": heat.year,
        }
    elif city.local_supply.boiler_houses and heat_use > 0:
        _, co2, ch4, n2o, _ = _boiler_houses(city)
        g = gwp(gwp_set)
        out["district_heat"] = {
            "value": (co2 + ch4 * g["ch4"] + n2o * g["n2o"]) / heat_use,
            "co2": co2 / heat_use,
            "ch4": ch4 / heat_use,
            "n2o": n2o / heat_use,
            "source": "derived: boiler-house fuel emissions / district heat used in the city (includes network losses)",
            "year": city.inventory_year,
        }
    elif "district_heat_tco2_per_mwh" in catalogued:
        spec = catalogued["district_heat_tco2_per_mwh"]
        out["district_heat"] = {
            "value": float(spec["value"]),
            "source": spec.get("source") or f"estimate: {spec.get('estimate')}",
            "year": spec.get("year"),
        }
    for spec in out.values():  # factors given as CO2e only are treated as CO2
        spec.setdefault("co2", spec["value"])
        spec.setdefault("ch4", 0.0)
        spec.setdefault("n2o", 0.0)
    return out


def _scope2_factor(factors: dict[str, dict[str, Any]], carrier: str, city: City) -> dict[str, Any]:
    if carrier not in factors:
        field_name = f"factors.{carrier}_tco2_per_mwh"
        raise InputError(
            f"no {carrier.replace('_', ' ')} emission factor for country '{city.country}'",
            file=city.source_file,
            field=field_name,
            fix=f"add '{field_name}: {{value: ..., source: ..., year: ...}}' to the city file",
        )
    return factors[carrier]


# -------------------------------------------------------------------------------------- inventory


@dataclass(frozen=True)
class Inventory:
    """A city's GHG inventory: detailed rows plus the totals derived from them."""

    city: str
    year: int
    population: float
    gwp_set: str
    rows: pd.DataFrame
    memo: pd.DataFrame
    factors: dict[str, dict[str, Any]] = field(default_factory=dict)
    unsourced: list[str] = field(default_factory=list)

    @property
    def total_tco2e(self) -> float:
        return math.fsum(self.rows["tco2e"])

    @property
    def per_capita_tco2e(self) -> float:
        return self.total_tco2e / self.population

    def _group(self, key: str) -> dict[Any, float]:
        out: dict[Any, float] = {}
        for value, frame in self.rows.groupby(key, sort=False):
            out[value] = math.fsum(frame["tco2e"])
        return out

    def by_sector(self) -> dict[str, float]:
        return {str(k): v for k, v in self._group("sector").items()}

    def by_scope(self) -> dict[int, float]:
        return {int(k): v for k, v in self._group("scope").items()}

    def by_gas(self) -> dict[str, float]:
        g = gwp(self.gwp_set)
        return {
            "co2": math.fsum(self.rows["co2_t"]) * g["co2"],
            "ch4": math.fsum(self.rows["ch4_t"]) * g["ch4"],
            "n2o": math.fsum(self.rows["n2o_t"]) * g["n2o"],
        }

    def sectors(self) -> pd.DataFrame:
        """One row per GPC reference number (sector, sub-sector, scope) with gases and notation."""
        out = []
        for ref, (sector, subsector, scope) in GPC_REFERENCES.items():
            part = self.rows[self.rows["gpc_ref"] == ref]
            notation = "" if not part.empty else None
            if part.empty:
                notation = self._notation_for(ref)
            out.append(
                {
                    "sector": sector,
                    "subsector": subsector,
                    "gpc_ref": ref,
                    "scope": scope,
                    "tco2e": math.fsum(part["tco2e"]),
                    "co2_t": math.fsum(part["co2_t"]),
                    "ch4_t": math.fsum(part["ch4_t"]),
                    "n2o_t": math.fsum(part["n2o_t"]),
                    "biogenic_co2_t": math.fsum(part["biogenic_co2_t"]),
                    "notation": notation or "",
                }
            )
        return pd.DataFrame(out)

    def _notation_for(self, ref: str) -> str:
        return self.notation_keys.get(ref, "NE")

    @property
    def notation_keys(self) -> dict[str, str]:
        return dict(self.memo.attrs.get("notation_keys", {}))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (keys: city, year, total_tco2e, per_capita_tco2e, sectors, ...)."""
        sectors = self.sectors()
        return {
            "city": self.city,
            "year": self.year,
            "population": self.population,
            "gwp": {"set": self.gwp_set, **gwp(self.gwp_set), "source": gwp_sets()[self.gwp_set]["source"]},
            "total_tco2e": self.total_tco2e,
            "per_capita_tco2e": self.per_capita_tco2e,
            "by_sector_tco2e": self.by_sector(),
            "by_scope_tco2e": {str(k): v for k, v in self.by_scope().items()},
            "by_gas_tco2e": self.by_gas(),
            "biogenic_co2_t": math.fsum(self.rows["biogenic_co2_t"]),
            "sectors": sectors.to_dict(orient="records"),
            "detail": self.rows.to_dict(orient="records"),
            "memo": self.memo.to_dict(orient="records"),
            "factors": self.factors,
            "unsourced_figures": self.unsourced,
        }


def _row(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {c: 0.0 for c in _DETAIL_COLUMNS}
    base.update({"carrier": "", "vehicle_class": "", "notation": "", "method": ""})
    base.update(values)
    return base


def _combustion(
    sector: str, subsector: str, ref: str, carrier: str, mwh: float, use: str, g: dict[str, float], **extra: Any
) -> dict[str, Any]:
    spec = fuels()[carrier]
    tj = mwh * MWH_TO_TJ
    c4, n2 = spec.non_co2(use)
    co2 = 0.0 if spec.biogenic else tj * spec.co2_kg_per_tj / 1000
    bio = tj * spec.co2_kg_per_tj / 1000 if spec.biogenic else 0.0
    ch4 = tj * c4 / 1000
    n2o = tj * n2 / 1000
    return _row(
        sector=sector,
        subsector=subsector,
        gpc_ref=ref,
        scope=1,
        carrier=carrier,
        activity_mwh=mwh,
        co2_t=co2,
        ch4_t=ch4,
        n2o_t=n2o,
        tco2e=co2 * g["co2"] + ch4 * g["ch4"] + n2o * g["n2o"],
        biogenic_co2_t=bio,
        method="IPCC 2006 Tier 1 fuel combustion",
        **extra,
    )


def compute_inventory(city: City, gwp_set: str = "AR5") -> Inventory:
    """Compute the BASIC inventory of ``city`` in tCO2e with the GWP set ``gwp_set``."""
    g = gwp(gwp_set)
    energy = final_energy(city)
    factors = emission_factors(city, gwp_set)
    rows: list[dict[str, Any]] = []
    for rec in energy.itertuples(index=False):
        sector, subsector, carrier = str(rec.sector), str(rec.subsector), str(rec.carrier)
        mwh = float(rec.energy_mwh)
        prefix = _STATIONARY_REF.get(subsector, "II.1")
        if carrier in ("grid_electricity", "district_heat"):
            factor = _scope2_factor(factors, carrier, city)
            co2, ch4, n2o = mwh * factor["co2"], mwh * factor["ch4"], mwh * factor["n2o"]
            rows.append(
                _row(
                    sector=sector,
                    subsector=subsector,
                    gpc_ref=f"{prefix}.2",
                    scope=2,
                    carrier=carrier,
                    vehicle_class=str(rec.vehicle_class),
                    activity_mwh=mwh,
                    co2_t=co2,
                    ch4_t=ch4,
                    n2o_t=n2o,
                    tco2e=co2 * g["co2"] + ch4 * g["ch4"] + n2o * g["n2o"],
                    method=f"location-based scope 2, {factor['value']:.4g} tCO2e/MWh",
                )
            )
        else:
            rows.append(
                _combustion(
                    sector,
                    subsector,
                    f"{prefix}.1",
                    carrier,
                    mwh,
                    _USE[subsector],
                    g,
                    vehicle_class=str(rec.vehicle_class),
                )
            )
    rows.extend(_waste_rows(city, g))
    detail = pd.DataFrame(rows, columns=_DETAIL_COLUMNS)
    detail["scope"] = detail["scope"].astype(int)

    memo_rows = []
    if city.local_supply.boiler_houses:
        fuel_mwh, co2, ch4, n2o, bio = _boiler_houses(city)
        memo_rows.append(
            {
                "gpc_ref": "I.4.4",
                "item": "energy generation supplied to the grid (district-heat boiler houses)",
                "activity_mwh": fuel_mwh,
                "tco2e": co2 * g["co2"] + ch4 * g["ch4"] + n2o * g["n2o"],
                "biogenic_co2_t": bio,
                "note": "scope 1 of the boiler houses; outside the BASIC total "
                "(their heat is counted as scope 2 of its users)",
            }
        )
    memo = pd.DataFrame(memo_rows, columns=["gpc_ref", "item", "activity_mwh", "tco2e", "biogenic_co2_t", "note"])
    memo.attrs["notation_keys"] = dict(city.notation_keys)
    return Inventory(
        city=city.name,
        year=city.inventory_year,
        population=city.population.value,
        gwp_set=gwp_set,
        rows=detail,
        memo=memo,
        factors=factors,
        unsourced=city.unsourced_figures(),
    )


def _waste_rows(city: City, g: dict[str, float]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    sw = city.waste.solid_waste
    if sw is not None:
        ch4 = (
            sw.landfilled_t.value
            * sw.doc_fraction.value
            * sw.docf.value
            * sw.mcf.value
            * sw.methane_fraction.value
            * 16.0
            / 12.0
            * (1.0 - sw.recovered_fraction.value)
            * (1.0 - sw.oxidation_factor.value)
        )
        ref = "III.1.2" if sw.treated_outside_city else "III.1.1"
        rows.append(
            _row(
                sector="waste",
                subsector="solid_waste_disposal",
                gpc_ref=ref,
                scope=3 if sw.treated_outside_city else 1,
                ch4_t=ch4,
                tco2e=ch4 * g["ch4"],
                method="IPCC 2006 Vol. 5 methane commitment",
            )
        )
    ww = city.waste.wastewater
    if ww is not None:
        population = city.population.value
        tow_kg = population * ww.bod_g_per_person_day.value / 1000.0 * 365.0
        ch4_kg = math.fsum(
            p.share * tow_kg * WASTEWATER_I[p.pathway] * WASTEWATER_BO_KG_CH4_PER_KG_BOD * WASTEWATER_MCF[p.pathway]
            for p in ww.pathways
        )
        n_effluent_kg = population * ww.protein_kg_per_person_year.value * F_NPR * F_NON_CON * F_IND_COM
        n2o_kg = n_effluent_kg * N2O_EFFLUENT_KG_N_PER_KG_N * 44.0 / 28.0
        ref = "III.4.2" if ww.treated_outside_city else "III.4.1"
        rows.append(
            _row(
                sector="waste",
                subsector="wastewater",
                gpc_ref=ref,
                scope=3 if ww.treated_outside_city else 1,
                ch4_t=ch4_kg / 1000,
                n2o_t=n2o_kg / 1000,
                tco2e=ch4_kg / 1000 * g["ch4"] + n2o_kg / 1000 * g["n2o"],
                method="IPCC 2006 Vol. 5 Ch. 6 (CH4 eq. 6.1-6.3, N2O of effluent eq. 6.7-6.8)",
            )
        )
    return rows
