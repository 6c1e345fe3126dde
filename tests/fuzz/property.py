"""The fuzzing property and its settings.

The property (issue 15): reading a file gives either a valid result or a jasyl user error
(:class:`jasyl.errors.JasylError`, exit status 2 from the CLI) that names the file and where in it
the problem is; never another exception, never a partial output.

Two profiles, chosen with the environment variable ``JASYL_FUZZ``:

* ``ci`` (default, ``make test``): a fixed seed (``derandomize``), ``JASYL_FUZZ_EXAMPLES`` examples
  per reader (default 200), no example database; a failure fails the test and Hypothesis shrinks it.
* ``long`` (``make fuzz``): random seeds, ``JASYL_FUZZ_EXAMPLES`` examples per reader (default
  5000). Crashes do not stop the run: each distinct crash (exception type and the innermost jasyl
  frame) is saved once, with its smallest input, under ``JASYL_FUZZ_CRASH_DIR`` (default
  ``out/fuzz``); ``python -m tests.fuzz.report`` lists them and fails when there are any.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

from jasyl.errors import JasylError

PROFILE = os.environ.get("JASYL_FUZZ", "ci")
LONG = PROFILE == "long"
EXAMPLES = int(os.environ.get("JASYL_FUZZ_EXAMPLES", "5000" if LONG else "200"))
CRASH_DIR = Path(os.environ.get("JASYL_FUZZ_CRASH_DIR", "out/fuzz"))
#: an example slower than this is recorded as a finding in the long profile (a hang in the making)
SLOW_S = float(os.environ.get("JASYL_FUZZ_SLOW_S", "20"))


def fuzz_settings(examples: int | None = None) -> settings:
    """Settings of one fuzz test; ``examples`` scales the profile's count (for the slower readers)."""
    n = EXAMPLES if examples is None else max(1, int(EXAMPLES * examples / 200))
    return settings(
        max_examples=n,
        derandomize=not LONG,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                               HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    )


#: a message says where: a field, or a line / record / row / column / byte position
_WHERE = re.compile(r"\b(line|lines|record|row|rows|column|byte|position|offset|entry|feature|"
                    r"sheet|key)\s*\d+|\bfield\b", re.IGNORECASE)


#: problems of the file as a whole (there is no better "where" than the file itself)
_WHOLE_FILE = re.compile(r"\bfile is empty|\bno data rows|\bno header row|not a UTF-8|not UTF-8|binary file|"
                         r"is a directory|cannot tell the .* format|does not exist|file not found|"
                         r"(holds|has) no (data|measurements|rows)|expected a YAML mapping|is a mapping|"
                         r"nested too deeply|cannot open the Excel workbook|"
                         r"not a readable netCDF file", re.IGNORECASE)


def check_user_error(exc: JasylError, path: Path) -> None:
    """A user error names the file and where in it; short enough to read."""
    text = str(exc)
    file = getattr(exc, "file", None)
    assert file is not None, f"the error does not name the file: {text[:500]}"
    assert Path(file).name == path.name or str(path) in text, f"the error names another file ({file}): {text[:300]}"
    field = getattr(exc, "field", None)
    assert field or _WHERE.search(text) or _WHOLE_FILE.search(text), (
        f"the error does not say where in the file: {text[:500]}")
    head = text.split("\n", 1)[0]
    assert len(head) < 2000, f"the error's first line is {len(head)} characters long: {head[:300]}..."


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/jasyl/" in f.filename.replace("\\", "/") and "/tests/" not in f.filename]
    frame = (ours or frames or [None])[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno}" if frame is not None else "?"
    return f"{type(exc).__name__}@{where}"


def _record(reader: str, data: bytes, suffix: str, exc: BaseException, kind: str) -> None:
    # an unclear message is known by where jasyl raised it, not by the assertion that caught it
    origin = exc.__cause__ if kind == "unclear-error" and exc.__cause__ is not None else exc
    sig = f"{reader}:{kind}:{_signature(origin)}"
    key = hashlib.sha1(sig.encode()).hexdigest()[:12]
    folder = CRASH_DIR / "crashes" / f"{reader}-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        meta["count"] += 1
        if len(data) >= meta["size"]:
            meta_path.write_text(json.dumps(meta, indent=2))
            return
    else:
        meta = {"count": 1}
    (folder / f"input{suffix}").write_bytes(data)
    (folder / "traceback.txt").write_text("".join(traceback.format_exception(origin)) + "\n" + str(exc))
    meta.update(reader=reader, kind=kind, signature=sig, exception=f"{type(exc).__name__}: {str(exc)[:500]}",
                size=len(data))
    meta_path.write_text(json.dumps(meta, indent=2))


def _record_slow(reader: str, data: bytes, suffix: str, seconds: float) -> None:
    folder = CRASH_DIR / "slow"
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(data).hexdigest()[:12]
    (folder / f"{reader}-{key}{suffix}").write_bytes(data)
    with (folder / "slow.txt").open("a") as handle:
        handle.write(f"{reader}-{key}{suffix}\t{seconds:.1f} s\n")


def run_property(reader: str, path: Path, data: bytes, call: Callable[[], Any],
                 check_result: Callable[[Any], None] | None = None) -> str:
    """Write ``data`` to ``path``, run ``call`` and check the property; returns ``"ok"`` or ``"error"``.

    In the ``ci`` profile a violation raises (Hypothesis shrinks it); in the ``long`` profile it is
    saved under ``CRASH_DIR`` and the run goes on.
    """
    path.write_bytes(data)
    t = time.perf_counter()
    try:
        try:
            result = call()
        except JasylError as exc:
            try:
                check_user_error(exc, path)
            except AssertionError as bad:
                bad.__cause__ = exc
                raise _Violation("unclear-error", bad) from exc
            return "error"
        except Exception as exc:  # noqa: BLE001 - this is what the property forbids
            raise _Violation("crash", exc) from exc
        if check_result is not None:
            try:
                check_result(result)
            except AssertionError as bad:
                raise _Violation("invalid-result", bad) from None
        return "ok"
    except _Violation as v:
        if LONG:
            _record(reader, data, path.suffix, v.exc, v.kind)
            return v.kind
        raise v.exc from None
    finally:
        elapsed = time.perf_counter() - t
        if LONG and elapsed > SLOW_S:
            _record_slow(reader, data, path.suffix, elapsed)


class _Violation(Exception):
    def __init__(self, kind: str, exc: BaseException) -> None:
        super().__init__(kind)
        self.kind = kind
        self.exc = exc
