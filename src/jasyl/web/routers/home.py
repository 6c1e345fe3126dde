"""The site root: ``/`` sends visitors to the default city's front page (``/{city}/``, :mod:`city_pages`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from jasyl.store.users import Account
from jasyl.web.access import public

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/")
def root(request: Request, user: Account | None = Depends(public)) -> Response:
    return RedirectResponse(f"/{request.app.state.settings.default_city}/", status_code=303)
