"""jasyl."""

# Lazy public API (name -> module), so `import jasyl` stays light; add one line per export.
_LAZY = {
    "plan": "jasyl.model.api",
    "PlanResult": "jasyl.model.result",
}


def __getattr__(name: str):  # noqa: ANN202
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'jasyl' has no attribute {name!r}")
