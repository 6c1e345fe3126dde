"""Use case ``profiles``: hourly supply capacity factors and demand of a city for one weather year."""

from __future__ import annotations

from dataclasses import dataclass

from jasyl.city import City, load_city
from jasyl.planning.options import ProfilesOptions
from jasyl.profiles import HourlyProfiles, build_profiles
from jasyl.progress import ProgressCallback, stage
from jasyl.weather import DEFAULT_SEED, read_weather

__all__ = ["ProfilesOutcome", "run_profiles"]


@dataclass(frozen=True)
class ProfilesOutcome:
    """The city and its hourly profiles (``profiles.summary`` holds the headline figures)."""

    city: City
    profiles: HourlyProfiles


def run_profiles(options: ProfilesOptions, progress: ProgressCallback | None = None) -> ProfilesOutcome:
    """Load the city once, read its weather (or make the synthetic year) and build the profiles (stage
    ``profiles``)."""
    with stage(progress, "profiles"):
        city = load_city(options.city)
        table = None
        if options.weather is not None:
            table = read_weather(
                options.weather,
                options.weather_format,
                latitude=options.latitude,
                longitude=options.longitude,
                wind_height_m=options.wind_height_m,
                fill_gaps_hours=options.fill_gaps_hours,
                year=options.year,
                fallback_location=(city.location.latitude, city.location.longitude, city.location.elevation_m),
            )
        seed = DEFAULT_SEED if options.seed is None else options.seed
        return ProfilesOutcome(city, build_profiles(city, table, seed=seed))
