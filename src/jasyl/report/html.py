"""The one HTML renderer of jasyl: Jinja2 templates in ``jasyl/report/templates`` (autoescaped).

Every page (the plan report, the monitoring report) is a template rendered by :func:`render`. A
section's own HTML fragment comes from the ``section.html.j2`` template too (:func:`render_fragment`),
so no HTML is built from strings in Python.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2

__all__ = ["template_environment", "render", "TEMPLATES"]

#: where the templates live (package resource directory)
TEMPLATES = "templates"


@cache
def template_environment() -> jinja2.Environment:
    """Jinja2 environment over ``jasyl/report/templates`` (autoescaped; undefined names fail)."""
    root = resources.files("jasyl.report").joinpath(TEMPLATES)

    def load(name: str) -> str:
        return root.joinpath(name).read_text(encoding="utf-8")

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """Render the template named ``template`` with ``context``."""
    return template_environment().get_template(template).render(**context)
