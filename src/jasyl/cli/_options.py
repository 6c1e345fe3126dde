"""Typer options shared by several commands (one definition each)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["CityOption", "MeasuresOption", "LangOption", "Language", "OutputFormat", "TableOrJson",
           "FormatOption", "MethodChoice", "ContractMwOption", "ContractMwhOption", "ContractPriceOption",
           "ContractSourceOption"]


class OutputFormat(StrEnum):
    """:data:`jasyl.vocabulary.OUTPUT_FORMATS` as a typer choice (a test keeps the two equal)."""

    table = "table"
    json = "json"
    csv = "csv"


class TableOrJson(StrEnum):
    """table or json: the formats of commands without a CSV form."""

    table = "table"
    json = "json"


class MethodChoice(StrEnum):
    """The planner's methods as the CLI spells them (``typical-days`` for ``typical_days``)."""

    exact = "exact"
    typical_days = "typical-days"


class Language(StrEnum):
    """:data:`jasyl.vocabulary.LANGUAGES` as a typer choice (a test keeps the two equal)."""

    en = "en"
    ru = "ru"
    kk = "kk"


CityOption = Annotated[
    str | None, typer.Option("--city", help="Embedded city name (konaev) or path to a city YAML file. Default: Konaev.")
]
MeasuresOption = Annotated[
    Path | None, typer.Option("--measures", help="Your own measures YAML file (default: the embedded library).")
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of the table and figure: en, ru or kk.")]
FormatOption = Annotated[TableOrJson, typer.Option("--format", help="table or json")]

# the ppa contract of `jasyl plan` and `jasyl tradeoff` (PlanOptions / TradeoffOptions contract_* fields)
ContractMwOption = Annotated[float | None, typer.Option("--contract-mw", help="ppa: firm MW of the clean contract "
                                                        "(default: the city file's).")]
ContractMwhOption = Annotated[float | None, typer.Option("--contract-mwh", help="ppa: MWh a year of the contract.")]
ContractPriceOption = Annotated[float | None, typer.Option("--contract-price", help="ppa: USD per MWh delivered.")]
ContractSourceOption = Annotated[str | None, typer.Option("--contract-source", help="ppa: what delivers it.")]
