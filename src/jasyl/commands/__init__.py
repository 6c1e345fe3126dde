"""CLI commands; each module exposes ``register(app)`` and is listed in ``jasyl.cli.COMMAND_MODULES``."""
