"""The site root: ``/`` sends visitors to the default city's front page (``/{city}/``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from jasyl.store.users import Account
from jasyl.web.access import public
from jasyl.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/")
def root(request: Request, user: Account | None = Depends(public)) -> Response:
    return RedirectResponse(f"/{request.app.state.settings.default_city}/", status_code=303)


@router.get("/{city}/")
def city_home(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """Placeholder front page of a city (the content pages replace it)."""
    return render(request, "city_home.html")
