"""Run LibreOffice Calc from the tests: find it, drive it (``lo_driver.py``), skip or fail when it is missing.

UNO (python3-uno) belongs to the system interpreter, not to the venv the tests run in, so every batch of jobs
goes to ``lo_driver.py`` in a subprocess of a Python that can ``import uno``. See ``lo_driver.py`` for the job
format.

Use the ``libreoffice`` fixture (import it into the test module): it skips the test when LibreOffice or
python3-uno is missing, except when the environment variable ``CI`` is set (to anything but ``""``, ``0``,
``false`` or ``no``): then it fails, because CI must never silently skip the real-application tests.
Environment overrides: ``GONGKAI_SOFFICE`` (the soffice executable), ``GONGKAI_UNO_PYTHON`` (the
interpreter with python3-uno).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("lo_driver.py")
SOFFICE_CANDIDATES = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice")
PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3", "/usr/lib/libreoffice/program/python")


class LibreOfficeError(RuntimeError):
    """The driver failed, or a job it ran failed."""


def for_lo(values: dict) -> dict:
    """Item values as LibreOffice's UNO takes and gives them (amounts as floats, counts as they are)."""
    from decimal import Decimal

    return {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_soffice() -> str | None:
    explicit = os.environ.get("GONGKAI_SOFFICE")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((c for c in SOFFICE_CANDIDATES if os.access(c, os.X_OK)), None)


@lru_cache(maxsize=None)
def _imports_uno(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_uno_python() -> str | None:
    explicit = os.environ.get("GONGKAI_UNO_PYTHON")
    candidates = (explicit,) if explicit else PYTHON_CANDIDATES
    return next((c for c in candidates if c and os.access(c, os.X_OK) and _imports_uno(c)), None)


@lru_cache(maxsize=None)
def availability() -> tuple[bool, str]:
    """(available, reason when not)."""
    soffice = find_soffice()
    if not soffice:
        return False, "LibreOffice (soffice) not found; install libreoffice-calc or set GONGKAI_SOFFICE"
    if not find_uno_python():
        return False, ("no Python interpreter with python3-uno found (tried "
                       f"{os.environ.get('GONGKAI_UNO_PYTHON') or ', '.join(PYTHON_CANDIDATES)}); "
                       "install python3-uno or set GONGKAI_UNO_PYTHON")
    return True, ""


def require_libreoffice() -> None:
    """Skip the calling test when LibreOffice is missing; fail instead when running in CI."""
    ok, reason = availability()
    if ok:
        return
    if in_ci():
        pytest.fail(f"LibreOffice is required in CI (CI={os.environ.get('CI')!r}): {reason}", pytrace=False)
    pytest.skip(reason)


def run_jobs(jobs: list[dict], *, profile: str | os.PathLike | None = None, timeout: float = 600,
             job_timeout: float = 120, check: bool = True) -> list[dict]:
    """Run ``jobs`` in one soffice process; one result dict per job, in order.

    ``profile`` is the LibreOffice user profile directory (one per concurrently running soffice; reusing it
    saves the first-start cost). With ``check`` a failed job raises :class:`LibreOfficeError`.
    """
    ok, reason = availability()
    if not ok:
        raise LibreOfficeError(reason)
    python, soffice = find_uno_python(), find_soffice()
    own = profile is None
    profile = str(profile) if profile is not None else tempfile.mkdtemp(prefix="gongkai-lo-profile-")
    command = [python, str(DRIVER), "--profile", profile, "--soffice", soffice, "--job-timeout", str(job_timeout)]
    try:
        completed = subprocess.run(command, input=json.dumps(jobs, ensure_ascii=False), capture_output=True,
                                   text=True, encoding="utf-8", timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise LibreOfficeError(f"lo_driver.py did not finish within {timeout:.0f} s "
                               f"(stderr: {_tail(exc.stderr)})") from None
    finally:
        if own:
            shutil.rmtree(profile, ignore_errors=True)
    try:
        answer = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise LibreOfficeError(f"lo_driver.py exited {completed.returncode} without a JSON answer; "
                               f"stderr: {_tail(completed.stderr)}") from None
    if completed.returncode != 0 or "error" in answer:
        raise LibreOfficeError(f"lo_driver.py exited {completed.returncode}: {answer.get('error')}; "
                               f"stderr: {_tail(completed.stderr)}")
    results = answer["results"]
    if len(results) != len(jobs):
        raise LibreOfficeError(f"{len(jobs)} jobs but {len(results)} results")
    if check:
        failed = [(i, r["error"]) for i, r in enumerate(results) if not r.get("ok")]
        if failed:
            raise LibreOfficeError(f"{len(failed)} of {len(jobs)} jobs failed: {failed[:5]}; "
                                   f"stderr: {_tail(completed.stderr)}")
    return results


def _tail(text, limit: int = 2000) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = (text or "").strip()
    return text if len(text) <= limit else "…" + text[-limit:]


@dataclass
class LibreOffice:
    """What the ``libreoffice`` fixture gives a test: ``run_jobs`` bound to this session's profile."""

    profile: Path

    def run_jobs(self, jobs: list[dict], **kwargs) -> list[dict]:
        return run_jobs(jobs, profile=self.profile, **kwargs)


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory) -> LibreOffice:
    """LibreOffice for this test session (one private profile); skips locally, fails in CI, when missing."""
    require_libreoffice()
    return LibreOffice(tmp_path_factory.mktemp("lo-profile"))
