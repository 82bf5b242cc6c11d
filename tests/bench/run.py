"""`make bench`: requests per second of the portal's pages against a bare Django view.

    python -m tests.bench.run

1. Prepares a fresh database: PostgreSQL, the database production runs, at BENCH_DATABASE_URL
   or else at DEFAULT_POSTGRES_URL when a server answers there (its database name must contain
   "bench", it is dropped and made again); SQLite in a temporary folder only as the fallback,
   named so in the header. Migrates, loads the demo data and bulk-creates ideas up to
   BENCH_IDEAS (100,000 take a minute or two).
2. Starts gunicorn (sync workers) on a free port of 127.0.0.1 with tests.bench.settings:
   debug off, the production settings otherwise, plus the bare view at /bench/bare/.
3. Measures every target with Locust (tests/bench/load.py) in the same run, with the same fixed
   number of users, each with a warm-up that is thrown away. The bare view is measured first
   and last, and its two parts are merged, so a busy machine skews the ratios less. Staff
   pages: each simulated user logs in as the demo coordinator and passes the second factor
   with a one-time backup code made for the bench. The submission target fills in the real
   form (honeypot left empty) and counts anything but a redirect as an error. The statistics
   are measured twice: as the page keeps its figures, and counted afresh for every request
   (each asks for another period of two years or more: every bench idea counted), the cost
   after a new idea or a status change.
   With BENCH_SCALES (say 10000,100000) steps 1 to 3 run for each number of ideas in turn on
   the same database (the ideas are added up to the next number, gunicorn starts again).
4. Prints the table and the issues' targets as PASS/FAIL (with several scales: each page's
   ratio at every scale, and whether the ratio at the largest keeps 80% of the smallest's:
   cost flat in the data), runs the non-HTTP benches (tests/bench/bench_*.py) at the largest
   scale, and writes everything to bench-results/latest.json.
5. Stops gunicorn and removes the temporary folder, also on Ctrl-C or an error.

Settings, all optional: BENCH_IDEAS (10000), BENCH_SCALES (comma separated numbers of ideas,
instead of BENCH_IDEAS), BENCH_USERS (4), BENCH_WORKERS (2),
BENCH_DURATION (10 s), BENCH_WARMUP (3 s), BENCH_DATABASE_URL, BENCH_TARGETS (comma separated
target names and bench_* module names, to run only those besides the bare view),
BENCH_STRICT=1 (exit 1 when a target is missed).

Non-HTTP benches: a module tests/bench/bench_<topic>.py that defines `run() -> list[dict]` is
imported and run after gunicorn has stopped, in this process, with Django set up on the bench
database (demo data and the bulk ideas in place). Each row it returns has the keys `name`
(what was measured), `value` (a number), `unit` (e.g. "ms", "queries"), `target` (the goal as
text, or "" when the issue only asks for the figure) and `passed` (True, False, or None when
there is no target). A module that raises is reported as a failed row; the others still run.
"""

import contextlib
import importlib.util
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
RESULTS_DIR = BASE_DIR / "bench-results"
BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Check:
    """A target an issue sets: a page's throughput as a share of the bare view's."""

    target: str
    minimum_ratio: float
    issue: str


CHECKS = [
    Check("home", 0.50, "issue 18: home ≥ 0.5× bare"),
    Check("form page", 0.50, "issue 3/18: form page ≥ 0.5× bare"),
    Check("tracking page", 0.50, "issue 18: tracking page ≥ 0.5× bare"),
    Check("dashboard", 0.20, "issue 5/18: dashboard ≥ 0.2× bare"),
    Check("idea triage page", 0.20, "issue 18: idea triage page ≥ 0.2× bare"),
    Check("statistics", 0.20, "issue 18: statistics ≥ 0.2× bare"),
    Check("meeting agenda", 0.20, "issue 18: meeting agenda ≥ 0.2× bare"),
    Check("partner list", 0.20, "issue 18: partner list ≥ 0.2× bare"),
    Check("partner page", 0.20, "issue 18: partner page ≥ 0.2× bare"),
    Check("outbox", 0.20, "issue 18: outbox ≥ 0.2× bare"),
    Check("submission", 0.15, "issue 18: submission ≥ 0.15× bare"),
]
# Issue 18: no page's ratio at the largest scale below this share of its ratio at the smallest.
FLAT_SHARE = 0.80
# PostgreSQL is the database production runs: the bench uses it when a server answers here.
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/idelotsen_bench"
# The demo coordinator; the bench passes its second factor with one-time backup codes.
STAFF_USERNAME = "samordnare"
# The tables' first column: the longest target name.
NAME_WIDTH = 27
# Periods for the statistics counted afresh: more than a run at full speed requests.
FRESH_PERIODS = 5000
BACKUP_CODES = 200


def _scales() -> list[int]:
    listed = [int(n) for n in os.environ.get("BENCH_SCALES", "").replace(" ", "").split(",") if n]
    return sorted(set(listed)) or [int(os.environ.get("BENCH_IDEAS", "10000"))]


@dataclass
class Config:
    scales: list[int] = field(default_factory=_scales)
    users: int = int(os.environ.get("BENCH_USERS", "4"))
    workers: int = int(os.environ.get("BENCH_WORKERS", "2"))
    duration: float = float(os.environ.get("BENCH_DURATION", "10"))
    warmup: float = float(os.environ.get("BENCH_WARMUP", "3"))
    database_url: str = os.environ.get("BENCH_DATABASE_URL", "")
    only: list[str] = field(
        default_factory=lambda: [
            name.strip() for name in os.environ.get("BENCH_TARGETS", "").split(",") if name.strip()
        ]
    )
    strict: bool = os.environ.get("BENCH_STRICT", "") not in ("", "0", "false")
    # Why the bench runs on SQLite, when it does (set by database_choose).
    fallback: str = ""

    @property
    def ideas(self) -> int:
        return self.scales[-1]


def postgres_problem(url: str) -> str:
    """Why the PostgreSQL server of `url` cannot be used, or "" when it answers."""
    try:
        import psycopg2

        maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        psycopg2.connect(maintenance, connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any failure means: fall back to SQLite
        return f"{type(error).__name__}: {str(error).strip()[:120]}"
    return ""


def database_choose(config: Config) -> None:
    """PostgreSQL when BENCH_DATABASE_URL is set or the default server answers; else SQLite."""
    if config.database_url:
        return
    problem = postgres_problem(DEFAULT_POSTGRES_URL)
    if problem:
        config.fallback = f"no PostgreSQL at {DEFAULT_POSTGRES_URL} ({problem})"
    else:
        config.database_url = DEFAULT_POSTGRES_URL


def say(text: str = "") -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_cleanly_on_signals() -> None:
    """Turn Ctrl-C, SIGTERM and SIGHUP into exceptions, so the `finally` blocks clean up.

    Ctrl-C works even when a shell started the run in the background (SIGINT ignored)."""

    def stop_on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)


def postgres_recreate(url: str) -> None:
    """Drop and create the bench database; refuse any database not named for benching."""
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"BENCH_DATABASE_URL must name a database with 'bench' in it "
            f"(it is dropped and made again), not {name!r}."
        )
    database_recreate(url, name)


def database_recreate(url: str, name: str) -> None:
    """Drop the PostgreSQL database `name` of the server at `url` and create it empty.

    The callers check the name first: only databases made for a bench or a load test."""
    import psycopg2

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def environment_prepare(config: Config, tmp: Path, port: int) -> None:
    """The variables portal.settings reads, for this process and the gunicorn it starts."""
    database_url = config.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    for name in ("EMAIL_URL", "CELERY_BROKER_URL", "DJANGO_CSRF_TRUSTED_ORIGINS"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "BENCH_TMPDIR": str(tmp),
            "MEDIA_ROOT": str(tmp / "media"),
            "EMAIL_FILE_PATH": str(tmp / "mail"),
            "SITE_URL": f"http://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )


def database_prepare(config: Config) -> dict:
    """Migrate, collect static files and load the demo data; what every scale's pages need."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    if config.database_url:
        postgres_recreate(config.database_url)
    django.setup()
    from triage.demo.data import demo_data_load

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    say(f"  migrated and collected static files in {time.perf_counter() - started:.1f} s")
    try:
        demo_data_load(settings.DEMO_PASSWORD)
    except Exception as error:  # noqa: BLE001 - the pages that need it will show errors
        say(f"  ! demo data failed to load: {error!r}")
    return {
        "password": settings.DEMO_PASSWORD,
        "login_url": settings.LOGIN_URL,
        "partner_slug": busiest_partner_slug(),
        "vendor": django.db.connection.vendor,
        "tracking_token": None,
        "triage_reference": None,
    }


def busiest_partner_slug() -> str | None:
    """The active partner with the most referrals: its page shows the most."""
    from django.db.models import Count

    from partners.models import Partner

    return (
        Partner.objects.filter(is_active=True)
        .annotate(n=Count("referrals"))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
        .first()
    )


def ideas_prepare(data: dict, ideas: int) -> dict:
    """Bulk-create ideas up to `ideas`; name the idea pages and make the staff's codes."""
    from django.db import connection

    from ideas.models import Idea
    from ideas.workflow import Status
    from tests.bench.data import backup_codes_create, ideas_bulk_create, latest_reference_of

    started = time.perf_counter()
    bench_idea = ideas_bulk_create(ideas)
    if connection.vendor == "postgresql":
        # The planner's statistics and the visibility map, as autovacuum keeps them in
        # production: without the statistics the planner takes the freshly loaded tables for
        # nearly empty and picks plans that grow with them; without the map an index-only scan
        # (the statistics' ideas_idea_period) still reads every row it counts.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    count = Idea.objects.count()
    say(f"  {count} ideas in the database ({time.perf_counter() - started:.1f} s)")
    if bench_idea is not None:
        data["tracking_token"] = bench_idea.tracking_token
    data["triage_reference"] = latest_reference_of(Status.IN_REVIEW) or (
        bench_idea.reference if bench_idea else data["triage_reference"]
    )
    # A fresh set for each scale: the load tool spends the codes it is given.
    data["backup_codes"] = backup_codes_create(STAFF_USERNAME, BACKUP_CODES)
    data["idea_count"] = count
    return data


def targets_build(data: dict) -> tuple[list[dict], list[str]]:
    """The pages to measure, by URL name; a page whose URL does not exist yet is skipped."""
    from django.shortcuts import resolve_url
    from django.urls import NoReverseMatch, reverse

    wanted = [
        ("home", "get", "home", {}, False),
        ("form page", "get", "ideas:submit", {}, False),
        ("tracking page", "get", "ideas:track", {"token": data["tracking_token"]}, False),
        ("dashboard", "get", "triage:dashboard", {}, True),
        (
            "idea triage page",
            "get",
            "triage:idea_detail",
            {"reference": data["triage_reference"]},
            True,
        ),
        ("statistics", "get", "triage:statistics", {}, True),
        # The figures counted for every request (each asks for another period, so the kept
        # figures never serve): what a committee member pays after a new idea or status change.
        ("statistics (counted afresh)", "get", "triage:statistics", {}, True),
        ("meeting agenda", "get", "triage:meeting", {}, True),
        ("partner list", "get", "partners:list", {}, True),
        ("partner page", "get", "partners:detail", {"slug": data.get("partner_slug")}, True),
        ("outbox", "get", "outbox:list", {}, True),
        ("submission", "submit", "ideas:submit", {}, False),
    ]
    targets, skipped = [], []
    for name, kind, url_name, kwargs, login in wanted:
        if any(value is None for value in kwargs.values()):
            skipped.append(f"{name}: no idea to show")
            continue
        try:
            path = reverse(url_name, kwargs=kwargs or None)
        except NoReverseMatch:
            skipped.append(f"{name}: no URL named {url_name}")
            continue
        except Exception as error:  # noqa: BLE001 - a URLconf broken by work in progress
            skipped.append(f"{name}: the URLs do not load ({error!r:.100})")
            continue
        target = {"name": name, "kind": kind, "path": path, "login": login}
        if name == "statistics (counted afresh)":
            target["paths"] = fresh_periods(path)
        targets.append(target)
    bare = {"name": "bare view", "kind": "get", "path": "/bench/bare/", "login": False}
    try:
        data["login_path"] = resolve_url(data["login_url"])
    except Exception:  # noqa: BLE001
        data["login_path"] = "/accounts/login/"
    return [bare, *targets, bare], skipped


def fresh_periods(path: str, count: int = FRESH_PERIODS) -> list[str]:
    """The statistics page for `count` periods, each its own: they end today and start two
    years ago or earlier, so each counts every bench idea (they span the last two years)."""
    today = date.today()
    return [f"{path}?start={today - timedelta(days=731 + n):%Y-%m-%d}" for n in range(count)]


class Server:
    """gunicorn in its own process group, stopped for sure when the bench ends."""

    def __init__(self, port: int, workers: int, log_path: Path) -> None:
        self.port, self.workers, self.log_path = port, workers, log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(self.log_path),
            "--log-level",
            "warning",
            "--no-control-socket",
        ]
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, start_new_session=True, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n" + self.log_tail()
                )
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/bench/bare/", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s:\n" + self.log_tail())

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no gunicorn log)"


def load_run(
    config: Config, server: Server, targets: list[dict], data: dict, tmp: Path
) -> list[dict]:
    plan = {
        "host": server.url,
        "users": config.users,
        "warmup": config.warmup,
        "duration": config.duration,
        "targets": targets,
        "login": {
            "path": data["login_path"],
            "username": STAFF_USERNAME,
            "password": data["password"],
            "backup_codes": data["backup_codes"],
        },
    }
    plan_path, results_path = tmp / "plan.json", tmp / "results.json"
    plan_path.write_text(json.dumps(plan))
    limit = len(targets) * (config.warmup + config.duration + 40) + 60
    subprocess.run(
        [sys.executable, "-m", "tests.bench.load", str(plan_path), str(results_path)],
        cwd=BASE_DIR,
        check=True,
        timeout=limit,
        stdin=subprocess.DEVNULL,
    )
    return json.loads(results_path.read_text())


def ratios_add(rows: list[dict]) -> float:
    bare = next((row for row in rows if row["name"] == "bare view"), None)
    bare_rps = bare["rps"] if bare and not bare["errors"] else 0.0
    for row in rows:
        row["ratio"] = round(row["rps"] / bare_rps, 3) if bare_rps else None
    return bare_rps


def checks_evaluate(rows: list[dict], idea_count: int, measured: set[str]) -> list[dict]:
    """PASS/FAIL per issue target; None (skipped) when BENCH_TARGETS left the page out."""
    results = []
    for check in CHECKS:
        row = next((r for r in rows if r["name"] == check.target), None)
        if row is None and check.target not in measured:
            passed, detail = None, "not measured in this run"
        elif row is None or row["ratio"] is None:
            passed, detail = False, "not measured"
        else:
            passed = row["ratio"] >= check.minimum_ratio and not row["errors"]
            detail = f"{row['ratio']:.2f}× (needs {check.minimum_ratio:.2f}×)"
            if row["errors"]:
                detail += f", {row['errors']} errors"
        if passed is not None:
            detail += f", {idea_count} ideas"
        results.append(
            {"check": check.issue, "target": check.target, "passed": passed, "detail": detail}
        )
    return results


def flatness_evaluate(runs: list[dict]) -> list[dict]:
    """Issue 18: each page's ratio at the largest scale keeps FLAT_SHARE of its ratio at the
    smallest (cost flat in the data). Nothing to check with one scale."""
    if len(runs) < 2:
        return []
    small, large = runs[0], runs[-1]
    ratios = [{row["name"]: row["ratio"] for row in run["http"]} for run in (small, large)]
    results = []
    for name, before in ratios[0].items():
        if name == "bare view":
            continue
        after = ratios[1].get(name)
        if not before or after is None:
            passed, detail = False, "not measured at both scales"
        else:
            passed = after >= FLAT_SHARE * before
            detail = (
                f"{after:.2f}× at {large['ideas']} ideas is {after / before:.0%} of "
                f"{before:.2f}× at {small['ideas']} (needs {FLAT_SHARE:.0%})"
            )
        results.append(
            {
                "check": f"issue 18: {name} flat in the data",
                "target": name,
                "passed": passed,
                "detail": detail,
            }
        )
    return results


def scales_table_print(runs: list[dict]) -> None:
    """Each page's ratio at every scale, the last over the first, and its target's verdict."""
    minimum = {check.target: check.minimum_ratio for check in CHECKS}
    heads = [f"@{run['ideas']}" for run in runs]
    say(
        f"{'target':<{NAME_WIDTH}} "
        + " ".join(f"{h:>9}" for h in heads)
        + f" {'last/first':>10} {'needs':>6} result"
    )
    say("-" * (NAME_WIDTH + 10 * len(runs) + 27))
    verdicts = {c["target"]: c["passed"] for c in runs[-1]["checks"]}
    for row in runs[0]["http"]:
        name = row["name"]
        ratios = [
            next((r["ratio"] for r in run["http"] if r["name"] == name), None) for run in runs
        ]
        shown = ["—" if r is None else f"{r:.2f}×" for r in ratios]
        trend = (
            f"{ratios[-1] / ratios[0]:.0%}"
            if len(ratios) > 1 and ratios[0] and ratios[-1] is not None
            else ""
        )
        needs = f"{minimum[name]:.2f}×" if name in minimum else ""
        verdict = {True: "PASS", False: "FAIL", None: ""}[verdicts.get(name)]
        say(
            f"{name:<{NAME_WIDTH}} "
            + " ".join(f"{v:>9}" for v in shown)
            + f" {trend:>10} {needs:>6} {verdict}"
        )


def number(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}".replace(",", " ")


def http_table_print(rows: list[dict]) -> None:
    say(
        f"{'target':<{NAME_WIDTH}} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'errors':>7} "
        f"{'× bare':>7}"
    )
    say("-" * (NAME_WIDTH + 45))
    for row in rows:
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        say(
            f"{row['name']:<{NAME_WIDTH}} {number(row['rps'], 1):>8} "
            f"{number(row['median_ms']):>10} {number(row['p95_ms']):>8} {row['errors']:>7} "
            f"{ratio:>7}"
        )
    bare = next((row for row in rows if row["name"] == "bare view"), None)
    if bare and len(bare.get("segments_rps", [])) > 1:
        say(
            f"  (bare view measured first and last: "
            f"{' and '.join(number(v, 1) for v in bare['segments_rps'])} req/s)"
        )
    for row in rows:
        if row["error_sample"]:
            say(f"  ! {row['name']}: {row['error_sample']}")
        if row["setup_errors"]:
            say(
                f"  ! {row['name']}: {row['setup_errors']} users failed to start: "
                f"{row['setup_error_sample']}"
            )


def module_benches_run(only: list[str], folder: Path = BENCH_DIR) -> list[dict]:
    """Run every bench_*.py module's run() in the folder (see the module docstring)."""
    rows = []
    for path in sorted(folder.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        try:
            spec = importlib.util.spec_from_file_location(f"tests.bench.{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for row in module.run():
                rows.append(
                    {
                        "module": path.stem,
                        "name": str(row["name"]),
                        "value": row["value"],
                        "unit": str(row.get("unit", "")),
                        "target": str(row.get("target", "")),
                        "passed": row.get("passed"),
                    }
                )
        except Exception as error:  # noqa: BLE001 - one broken bench must not hide the others
            rows.append(
                {
                    "module": path.stem,
                    "name": f"{path.stem} failed: {error!r}"[:100],
                    "value": None,
                    "unit": "",
                    "target": "",
                    "passed": False,
                }
            )
    return rows


def module_table_print(rows: list[dict]) -> None:
    say(f"{'bench':<48} {'value':>10} {'unit':<8} {'target':<14} result")
    say("-" * 90)
    for row in rows:
        value = row["value"]
        shown = (
            "—" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value))
        )
        verdict = {True: "PASS", False: "FAIL", None: ""}[row["passed"]]
        say(
            f"{row['name'][:48]:<48} {shown:>10} {row['unit'][:8]:<8} "
            f"{row['target'][:14]:<14} {verdict}"
        )


def scale_measure(config: Config, server: Server, data: dict, tmp: Path, ideas: int) -> dict:
    """Fill the database up to `ideas`, start gunicorn, measure every target, stop it."""
    from django.db import connections

    say(f"Preparing {ideas} ideas")
    data = ideas_prepare(data, ideas)
    targets, skipped = targets_build(data)
    if config.only:
        targets = [t for t in targets if t["name"] in config.only or t["name"] == "bare view"]
        skipped = [note for note in skipped if note.split(":")[0] in config.only]
    connections.close_all()
    say(f"Starting gunicorn: {config.workers} sync workers on {server.url}")
    server.start()
    try:
        say(
            f"Measuring with Locust: {config.users} users, no wait, {config.warmup:g} s warm-up "
            f"and {config.duration:g} s per target"
        )
        rows = load_run(config, server, targets, data, tmp)
        paths = {target["name"]: target["path"] for target in targets}
        for row in rows:
            row["path"] = paths.get(row["name"], "")
        errors_seen = any(row["errors"] or row["setup_errors"] for row in rows)
        server_log = server.log_tail() if errors_seen else ""
    finally:
        server.stop()
    bare_rps = ratios_add(rows)
    return {
        "ideas": data["idea_count"],
        "bare_rps": bare_rps,
        "http": rows,
        "skipped": skipped,
        "server_log": server_log,
        "checks": checks_evaluate(rows, data["idea_count"], {t["name"] for t in targets}),
    }


def main() -> int:
    config = Config()
    tmp = Path(tempfile.mkdtemp(prefix="idelotsen-bench-"))
    port = free_port()
    server = Server(port, config.workers, tmp / "gunicorn.log")

    stop_cleanly_on_signals()
    try:
        started = time.perf_counter()
        database_choose(config)
        environment_prepare(config, tmp, port)
        database_name = (
            f"PostgreSQL ({urlsplit(config.database_url).path.lstrip('/')})"
            if config.database_url
            else f"SQLite (fallback: {config.fallback})"
        )
        say(f"Preparing the database: {database_name}, scales {config.scales}")
        data = database_prepare(config)
        runs = [scale_measure(config, server, data, tmp, ideas) for ideas in config.scales]
        flat = flatness_evaluate(runs)
        say("Running the non-HTTP benches")
        module_rows = module_benches_run(config.only)

        say()
        say(
            f"Idélotsen bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {database_name}, "
            f"{', '.join(str(run['ideas']) for run in runs)} ideas, gunicorn {config.workers} "
            f"sync workers, {config.users} Locust users, {os.cpu_count()} CPUs shared with the "
            f"load tool"
        )
        for run in runs:
            say(f"\n{run['ideas']} ideas:")
            http_table_print(run["http"])
            for note in run["skipped"]:
                say(f"  (skipped {note})")
            if run["server_log"]:
                say("\nLast lines of the gunicorn log:\n" + run["server_log"])
        if len(runs) > 1:
            say("\nRatios to the bare view at each scale:")
            scales_table_print(runs)
        say()
        for run in runs:
            for check in run["checks"]:
                verdict = {True: "PASS", False: "FAIL", None: "SKIP"}[check["passed"]]
                say(f"{verdict}  {check['check']}: {check['detail']}")
        for check in flat:
            say(f"{'PASS' if check['passed'] else 'FAIL'}  {check['check']}: {check['detail']}")
        if module_rows:
            say()
            module_table_print(module_rows)
        else:
            say("(no non-HTTP bench in this run)")
        say(f"\nFinished in {time.perf_counter() - started:.0f} s.")

        RESULTS_DIR.mkdir(exist_ok=True)
        last = runs[-1]
        report = {
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "setup": {
                "database": data["vendor"],
                "database_fallback": config.fallback,
                "ideas": last["ideas"],
                "scales": [run["ideas"] for run in runs],
                "server": f"gunicorn {version('gunicorn')}, {config.workers} sync workers",
                "load_tool": f"locust {version('locust')} (FastHttpUser)",
                "users": config.users,
                "warmup_s": config.warmup,
                "duration_s": config.duration,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "django": version("Django"),
            },
            "bare_rps": last["bare_rps"],
            "http": last["http"],
            "skipped": last["skipped"],
            "checks": last["checks"],
            "scales": [{k: v for k, v in run.items() if k != "server_log"} for run in runs],
            "flatness": flat,
            "benches": module_rows,
        }
        (RESULTS_DIR / "latest.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        )
        say(f"Results written to {(RESULTS_DIR / 'latest.json').relative_to(BASE_DIR)}")
        missed = (
            [c for run in runs for c in run["checks"] if c["passed"] is False]
            + [c for c in flat if c["passed"] is False]
            + [r for r in module_rows if r["passed"] is False]
        )
        return 1 if config.strict and missed else 0
    except KeyboardInterrupt:
        say("\nInterrupted.")
        return 130
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
