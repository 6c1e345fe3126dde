"""The ``jasyl`` command line (layer L7): thin commands over :mod:`jasyl.planning` and :mod:`jasyl.report`.

Adding a command: write ``jasyl/cli/<name>.py`` with the typer function and ``register(app)``, then
import it in :mod:`jasyl.cli.app` and add it to ``COMMANDS``. Options map to a use case's options
dataclass; domain errors name fields, shown as flags by :func:`jasyl.cli._console.option_names`.
"""

from __future__ import annotations

from jasyl.cli.app import app, err_console, main

__all__ = ["app", "err_console", "main"]
