"""Money over time: the one annuity (capital recovery) factor used by the planner, MACC and pathway."""

from __future__ import annotations

__all__ = ["annuity"]


def annuity(rate: float, lifetime_years: float) -> float:
    """Capital recovery factor ``r / (1 - (1 + r) ** -n)``: the share of an investment paid each year.

    >>> round(annuity(0.08, 25), 4)
    0.0937
    """
    if lifetime_years <= 0:
        raise ValueError("lifetime must be positive")
    if rate == 0:
        return 1.0 / lifetime_years
    return rate / (1.0 - (1.0 + rate) ** (-lifetime_years))
