"""The production configuration: refuses to start without a secret, passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Hq2-production-like-secret-key-for-the-deploy-check-9f8e7d6c5b4a",
    "DJANGO_ALLOWED_HOSTS": "idelotsen.example.org",
    "SITE_URL": "https://idelotsen.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_portal_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_demo_data_refuses_to_load_when_debug_is_off():
    result = run_manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "refuses" in result.stderr


def test_a_host_that_sets_nothing_is_not_in_debug_mode_and_refuses_to_start_without_a_key():
    result = run_manage("check", env={})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_host_that_forgets_django_debug_runs_with_debug_off_and_its_own_key():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.SECRET_KEY.startswith('demo-only'), "
        "settings.SESSION_COOKIE_SECURE, settings.STAFF_2FA_REQUIRED)",
        env={"DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"]},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["False", "False", "True", "True"]


def test_make_run_turns_demo_mode_on_explicitly():
    recipe = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = [line.strip() for line in recipe.splitlines()[1:]]
    assert commands and all(line.startswith("DJANGO_DEBUG=true ") for line in commands), commands
