"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_values():
    result = run_check(
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY="q8#Zt1-pV0nX!m4Kd7@rL2wYs9^cB6hJf3&eG5uA0iT8oN1xQz",
        ALLOWED_HOSTS="hotel.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_about_development_values():
    result = run_check(DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_a_secret_key_is_required_outside_debug():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
