"""Settings of the web platform, read once from the environment (so several uvicorn workers agree).

| variable | meaning | default |
| --- | --- | --- |
| ``JASYL_DB_URL`` | the store (SQLite file or PostgreSQL URL) | SQLite under the user data directory |
| ``JASYL_WEB_DATA`` | where uploads, job outputs and the generated secret key live | ``<user data dir>/web`` |
| ``JASYL_SECRET_KEY`` | key that signs session and CSRF cookies | generated once into ``JASYL_WEB_DATA/secret_key`` |
| ``JASYL_CITIES`` | comma-separated city ids served (first = default) | ``konaev`` |
| ``JASYL_SECURE_COOKIES`` | ``1`` behind HTTPS: cookies get the ``Secure`` flag | ``0`` |
| ``JASYL_UPLOAD_MAX_MB`` | largest accepted upload | ``20`` |
| ``JASYL_SESSION_HOURS`` | session lifetime | ``12`` |
| ``JASYL_PLAN_AT_START`` | ``0``: no plan job at start-up (``jasyl serve --no-plan``) | ``1`` |
| ``DASK_SCHEDULER_ADDRESS`` | an existing Dask cluster for long jobs (else a LocalCluster) | none |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

__all__ = ["WebSettings", "load_secret_key"]


def _default_data_dir() -> Path:
    return Path(user_data_dir("jasyl", appauthor=False)) / "web"


def load_secret_key(data_dir: Path) -> str:
    """``JASYL_SECRET_KEY`` or the key stored in ``data_dir/secret_key`` (created once, mode 0600).

    The key is written to a temporary file and hard-linked into place, so that several workers
    starting together all end up with the one complete key (a link never replaces an existing file).
    """
    env = os.environ.get("JASYL_SECRET_KEY", "").strip()
    if env:
        return env
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} is damaged (shorter than 32 characters): delete it to make a new key")
    return key


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class WebSettings:
    """Everything the app needs to know about its deployment."""

    db_url: str | None = None
    data_dir: Path = field(default_factory=_default_data_dir)
    secret_key: str = ""
    cities: tuple[str, ...] = ("konaev",)
    secure_cookies: bool = False
    session_hours: float = 12.0
    upload_max_bytes: int = 20 * 1024 * 1024
    #: login rate limit: failures per user name / per client address within the window
    login_max_failures_user: int = 5
    login_max_failures_ip: int = 20
    login_window_s: int = 15 * 60
    #: seconds public JSON/HTML answers may be cached by the app (0 = off)
    public_cache_s: float = 30.0
    #: start the default city's plan/overview job at start-up when it is not cached (``--no-plan``: off)
    plan_at_start: bool = True

    @property
    def default_city(self) -> str:
        return self.cities[0]

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @classmethod
    def from_env(cls) -> WebSettings:
        data_dir = Path(os.environ.get("JASYL_WEB_DATA", "").strip() or _default_data_dir())
        cities = tuple(c.strip() for c in os.environ.get("JASYL_CITIES", "konaev").split(",") if c.strip())
        return cls(
            db_url=os.environ.get("JASYL_DB_URL", "").strip() or None,
            data_dir=data_dir,
            secret_key=load_secret_key(data_dir),
            cities=cities or ("konaev",),
            secure_cookies=_flag("JASYL_SECURE_COOKIES"),
            session_hours=float(os.environ.get("JASYL_SESSION_HOURS", "12") or 12),
            upload_max_bytes=int(float(os.environ.get("JASYL_UPLOAD_MAX_MB", "20") or 20) * 1024 * 1024),
            plan_at_start=_flag("JASYL_PLAN_AT_START", default=True),
        )
