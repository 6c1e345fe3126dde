"""``jasyl users`` and ``jasyl serve`` in-process (serve up to the moment it would become uvicorn)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from jasyl.cli import main
from jasyl.cli import serve as serve_module
from jasyl.monitoring.setup import counts
from jasyl.store.audit import read_audit
from jasyl.store.engine import make_engine
from jasyl.store.users import authenticate, token_account

PW = "a-good-password-1"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_users_add_list_role_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                   sqlite_url: str) -> None:
    _stdin(monkeypatch, PW + "\n")
    assert main(["users", "add", "aigerim", "--role", "admin", "--city", "*", "--db", sqlite_url]) == 0
    _stdin(monkeypatch, PW + "\n")
    assert main(["users", "add", "daulet", "--role", "analyst", "--name", "Daulet K.", "--db", sqlite_url]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--format", "json", "--db", sqlite_url]) == 0
    rows = {r["username"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["aigerim"]["roles"] == {"*": "admin"} and rows["daulet"]["roles"] == {"konaev": "analyst"}
    assert main(["users", "role", "daulet", "--role", "inspector", "--db", sqlite_url]) == 0
    assert main(["users", "token", "daulet", "--label", "bot", "--db", sqlite_url]) == 0
    token = capsys.readouterr().out.strip()
    engine = make_engine(sqlite_url)
    account = token_account(engine, token)
    assert account is not None and account.roles == {"konaev": "inspector"}
    assert authenticate(engine, "daulet", PW) is not None
    assert main(["users", "disable", "daulet", "--db", sqlite_url]) == 0
    assert authenticate(engine, "daulet", PW) is None and token_account(engine, token) is None
    actions = [e.action for e in read_audit(engine)]
    assert actions[:3] == ["user.active", "token.create", "user.role"] and actions.count("user.create") == 2
    assert all(e.username == "system" and e.client == "cli" for e in read_audit(engine))


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["--role", "superuser"], PW, "unknown role"),
    (["--role", "viewer", "--city", "atlantis"], PW, "unknown city"),
    (["--role", "viewer"], "short\n", "too short"),
    (["--role", "viewer"], "", "no password"),
])
def test_users_add_refuses_bad_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                     sqlite_url: str, args: list[str], stdin: str, message: str) -> None:
    _stdin(monkeypatch, stdin)
    assert main(["users", "add", "someone", *args, "--db", sqlite_url]) == 2
    assert message in capsys.readouterr().err


def test_users_add_twice_is_refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                    sqlite_url: str) -> None:
    for expected in (0, 2):
        _stdin(monkeypatch, PW + "\n")
        assert main(["users", "add", "Aru", "--role", "viewer", "--db", sqlite_url]) == expected
    _stdin(monkeypatch, PW + "\n")
    assert main(["users", "add", "aru", "--role", "viewer", "--db", sqlite_url]) == 2  # names ignore case
    assert "already exists" in capsys.readouterr().err


def test_serve_prepares_a_fresh_store_then_becomes_uvicorn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[list[str]] = []
    for name in ("JASYL_DB_URL", "JASYL_WEB_DATA", "JASYL_CITIES", "JASYL_PLAN_AT_START"):
        monkeypatch.delenv(name, raising=False)  # serve sets them for uvicorn's workers; restored afterwards

    def fake_exec(path: str, argv: list[str]) -> None:  # the real one never returns
        seen.append(argv)

    monkeypatch.setattr(serve_module.os, "execv", fake_exec)
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    assert main(["serve", "--db", url, "--port", "8123", "--workers", "3", "--data", str(tmp_path / "web")]) == 0
    err = capsys.readouterr().err
    assert "loaded the labelled demo monitoring data" in err and "no administrator yet" in err
    assert counts(make_engine(url))["measurements_demo"] > 0
    argv = seen[0]
    assert argv[1:4] == ["-m", "jasyl.web", "--host"] and "8123" in argv and argv[argv.index("--workers") + 1] == "3"
    # a second start keeps the store as it is (no second demo load, no message)
    assert main(["serve", "--db", url, "--data", str(tmp_path / "web")]) == 0
    assert "demo" not in capsys.readouterr().err


def test_serve_refuses_bad_options(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JASYL_DB_URL", "JASYL_WEB_DATA", "JASYL_CITIES", "JASYL_PLAN_AT_START"):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve", "--port", "70000", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"]) == 2
    assert main(["serve", "--log-level", "loud", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"]) == 2
    assert "--port" in capsys.readouterr().err
