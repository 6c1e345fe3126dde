"""``python -m jasyl.web``: run the web app on uvicorn (what ``jasyl serve`` executes after preparing the store).

uvicorn's worker processes import the app factory by its dotted path, which is taken from the
imported :func:`jasyl.web.app.create_app` itself (not written as a string), so it follows any move.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from jasyl.web.app import create_app

__all__ = ["main", "FACTORY"]

#: ``module:function`` of the app factory, as uvicorn's workers import it
FACTORY = f"{create_app.__module__}:{create_app.__name__}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jasyl.web", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--behind-proxy", action="store_true")
    args = parser.parse_args(argv)
    uvicorn.run(FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, proxy_headers=args.behind_proxy,
                forwarded_allow_ips="127.0.0.1" if args.behind_proxy else None, server_header=False,
                # a worker still importing the scientific stack must not be declared dead after 5 s
                timeout_worker_healthcheck=120)
    return 0


if __name__ == "__main__":
    sys.exit(main())
