"""The load half of `make bench`: Locust, as a library, against a running portal.

Run by tests.bench.run in its own process (Locust patches the standard library with gevent,
which must not happen in the process that holds Django):

    python -m tests.bench.load CONFIG.json RESULTS.json

CONFIG holds the host, the number of users (fixed concurrency, no wait between requests), the
warm-up and measuring seconds and the targets, run one after another. A target is
`{"name", "kind": "get"|"submit", "path", "login": bool}`, with "paths" (a list) for a page
requested at each of them in turn instead of at "path". Each target gets fresh users: they
log in or fetch the form first, then run a warm-up whose figures are thrown away, then the
measured part. RESULTS gets one row per target name (targets with the same name are merged).
A page that answers anything but the expected status counts as an error; nothing here raises.
"""

import locust  # noqa: F401, I001  (first: it monkey-patches the standard library with gevent)

import json
import logging
import re
import sys
import time
from collections import Counter
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment

from tests.bench.forms import (
    CSRF_INPUT,
    TEXT_FILLED_IN,
    SetupFailed,
    error_text,
    form_body,
    form_payload,
)

FILLED_TEXT = TEXT_FILLED_IN.encode()
SETUP_TIMEOUT = 30  # seconds for the users' logins and form fetches
CODE_FIELDS = {"code", "otp_token", "token"}


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    connection_timeout = 5.0
    network_timeout = 15.0
    target: dict = {}
    login: dict = {}
    shared: dict = {}

    def on_start(self) -> None:
        try:
            if self.target.get("login"):
                self._log_in()
            if self.target["kind"] == "submit":
                self._fetch_form()
        except Exception as error:  # noqa: BLE001 - a broken page is a result, not a crash
            self.shared["setup_errors"][str(error)[:160]] += 1
        finally:
            self.shared["ready"] += 1

    def _log_in(self) -> None:
        path = self.login["path"]
        page = self.client.get(path, name="setup: login page", allow_redirects=False)
        token = CSRF_INPUT.search(page.text or "")
        if page.status_code != 200 or not token:
            raise SetupFailed(f"login page answered HTTP {page.status_code}")
        answer = self.client.post(
            path,
            name="setup: log in",
            allow_redirects=False,
            data=urlencode(
                {
                    "username": self.login["username"],
                    "password": self.login["password"],
                    "csrfmiddlewaretoken": token.group(1),
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.host + path,
            },
        )
        if answer.status_code != 302:
            raise SetupFailed(
                f"log in as {self.login['username']} failed (HTTP {answer.status_code})"
            )
        self._second_factor()

    def _second_factor(self) -> None:
        """Pass a second-factor page with a backup code, when the portal sends us to one."""
        path = self.target["path"]
        probe = self.client.get(path, name="setup: probe", allow_redirects=False)
        location = probe.headers.get("location") or ""
        if probe.status_code not in (301, 302, 303) or self.login["path"] in location:
            return
        step = urlsplit(location)
        step_path = step.path + (f"?{step.query}" if step.query else "")
        page = self.client.get(step_path, name="setup: second factor", allow_redirects=False)
        codes = self.login.get("backup_codes") or []
        if page.status_code != 200 or not codes:
            raise SetupFailed(
                f"{path} sends a logged-in user to {step.path} "
                f"(HTTP {page.status_code}), and the bench has no code for it"
            )
        pairs, _enctype = form_payload(page.text or "", step.path)
        code = codes.pop()
        pairs = [(name, code if name in CODE_FIELDS else value) for name, value in pairs]
        answer = self.client.post(
            step_path,
            name="setup: second factor",
            allow_redirects=False,
            data=urlencode(pairs),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.host + step_path,
            },
        )
        if answer.status_code != 302:
            raise SetupFailed(
                f"the second factor at {step.path} failed (HTTP {answer.status_code})"
            )

    def _fetch_form(self) -> None:
        path = self.target["path"]
        page = self.client.get(path, name="setup: form page", allow_redirects=False)
        if page.status_code != 200:
            raise SetupFailed(f"form page answered HTTP {page.status_code}")
        self.payload = form_body(page.text or "", path)

    @task
    def hit(self) -> None:
        name, path = self.target["name"], self.target["path"]
        if self.target.get("paths"):  # a page whose kept answer must not serve: each in turn
            paths = self.target["paths"]
            path = paths[self.shared["requests"] % len(paths)]
            self.shared["requests"] += 1
        if self.target["kind"] == "get":
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
            return
        payload = getattr(self, "payload", None)
        if payload is None:  # the form page was broken at the start: try it again
            try:
                self._fetch_form()
            except Exception as error:  # noqa: BLE001
                self.shared["setup_errors"][str(error)[:160]] += 1
                gevent.sleep(0.5)
                return
            payload = self.payload
        body, content_type = payload
        # Each post a new idea: the same form sent again with the same idea only shows its
        # receipt again (ideas.services.form_sent_before), which is not what is measured.
        self.shared["submitted"] = number = self.shared.get("submitted", 0) + 1
        body = body.replace(FILLED_TEXT, FILLED_TEXT + f" {number}".encode(), 1)
        with self.client.post(
            path,
            name=name,
            data=body,
            allow_redirects=False,
            catch_response=True,
            headers={"Content-Type": content_type, "Referer": self.host + path},
        ) as response:
            if response.status_code in (302, 303):
                return
            if response.status_code == 200:
                reason = error_text(response.text or "") or "no error text found"
                response.failure(f"form came back invalid: {reason}")
            else:
                response.failure(f"HTTP {response.status_code}")
            if response.status_code == 403:  # a stale CSRF token: fetch the form again
                self.payload = None


def percentile(times: Counter, fraction: float) -> float | None:
    total = sum(times.values())
    if not total:
        return None
    wanted, seen = fraction * total, 0
    for value in sorted(times):
        seen += times[value]
        if seen >= wanted:
            return float(value)
    return float(max(times))


def run_target(config: dict, target: dict) -> dict:
    shared = {"ready": 0, "setup_errors": Counter(), "requests": 0}
    user_class = type(
        "User_" + re.sub(r"\W", "_", target["name"]),
        (BenchUser,),
        {
            "host": config["host"],
            "target": target,
            "login": config.get("login", {}),
            "shared": shared,
        },
    )
    environment = Environment(user_classes=[user_class], host=config["host"])
    runner = environment.create_local_runner()
    users = config["users"]
    runner.start(users, spawn_rate=max(users, 100))
    deadline = time.monotonic() + SETUP_TIMEOUT
    while shared["ready"] < users and time.monotonic() < deadline:
        gevent.sleep(0.05)
    gevent.sleep(config["warmup"])
    environment.stats.reset_all()
    started = time.perf_counter()
    gevent.sleep(config["duration"])
    elapsed = time.perf_counter() - started
    method = "GET" if target["kind"] == "get" else "POST"
    entry = environment.stats.get(target["name"], method)
    row = {
        "name": target["name"],
        "seconds": elapsed,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "times": Counter(entry.response_times),
        "errors": Counter(
            {str(e.error)[:160]: e.occurrences for e in environment.stats.errors.values()}
        ),
        "setup_errors": shared["setup_errors"],
    }
    runner.quit()
    return row


def merge(rows: list[dict]) -> dict:
    first = rows[0]
    first["segments_rps"] = [
        round((row["requests"] - row["failures"]) / row["seconds"], 1) if row["seconds"] else 0.0
        for row in rows
    ]
    for row in rows[1:]:
        first["seconds"] += row["seconds"]
        first["requests"] += row["requests"]
        first["failures"] += row["failures"]
        first["times"] += row["times"]
        first["errors"] += row["errors"]
        first["setup_errors"] += row["setup_errors"]
    return first


def _most_common(counter: Counter) -> str:
    return counter.most_common(1)[0][0] if counter else ""


def summarise(row: dict) -> dict:
    successes = row["requests"] - row["failures"]
    return {
        "name": row["name"],
        "requests": row["requests"],
        "errors": row["failures"],
        "seconds": round(row["seconds"], 2),
        "rps": round(successes / row["seconds"], 1) if row["seconds"] else 0.0,
        "median_ms": percentile(row["times"], 0.5),
        "p95_ms": percentile(row["times"], 0.95),
        "segments_rps": row["segments_rps"],
        "error_sample": _most_common(row["errors"]),
        "setup_errors": sum(row["setup_errors"].values()),
        "setup_error_sample": _most_common(row["setup_errors"]),
    }


def main(config_path: str, results_path: str) -> int:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("locust").setLevel(logging.ERROR)
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    by_name: dict[str, list[dict]] = {}
    for target in config["targets"]:
        print(f"  {target['name']:<22} … ", end="", file=sys.stderr, flush=True)
        try:
            row = run_target(config, target)
        except Exception as error:  # noqa: BLE001 - keep measuring the other targets
            row = {
                "name": target["name"],
                "seconds": 0.0,
                "requests": 0,
                "failures": 0,
                "times": Counter(),
                "errors": Counter({f"load tool: {error!r}"[:160]: 1}),
                "setup_errors": Counter(),
            }
        by_name.setdefault(target["name"], []).append(row)
        print(f"{row['requests']} requests, {row['failures']} errors", file=sys.stderr)
    results = [summarise(merge(rows)) for rows in by_name.values()]
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
