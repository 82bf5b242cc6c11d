"""The Locust half of `make load`: residents and committee members at the same time.

Run by tests.load.run in its own process (Locust patches the standard library with gevent,
which must not happen in the process that holds Django and the SMTP server):

    python -m tests.load.load PLAN.json RESULTS.json

Residents fetch the idea form, take a moment to fill it in, send it with an email address of
their own (resident-<uuid>@<domain>) and open the thank-you page. Committee members log in (the
second factor with one-time backup codes, the way `make bench` does) and work the dashboard:
the inbox, filtered views, ideas, the statistics page. After PLAN["seconds"] no new round
starts; the rounds under way finish (bounded), so every submission the server stored has been
counted here. Every unexpected answer is a Locust failure. Requests go to PLAN["host"] only.
"""

import locust  # noqa: F401, I001  (first: it monkey-patches the standard library with gevent)

import json
import logging
import random
import re
import secrets
import sys
import time
import uuid
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, between, task
from locust.env import Environment

from tests.bench.forms import SetupFailed, error_text, form_payload
from tests.bench.load import BenchUser

FILL_SECONDS = (1.0, 3.0)  # a resident reading and filling in the form
FINISH_TIMEOUT = 60  # seconds for the rounds under way to finish after the end
PROGRESS_EVERY = 15  # seconds between progress lines on stderr


def form_encode(pairs: list[tuple[str, str]], enctype: str) -> tuple[bytes, str]:
    """A filled-in form as its enctype says: (body, content type)."""
    if enctype.lower() != "multipart/form-data":
        return urlencode(pairs).encode(), "application/x-www-form-urlencoded"
    boundary = "----idelotsen-load-" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in pairs
    ]
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def with_email(pairs: list[tuple[str, str]], email: str) -> list[tuple[str, str]]:
    """The form's pairs with every email field set to `email`."""
    return [(name, email if "email" in name.lower() else value) for name, value in pairs]


class LoadUser(FastHttpUser):
    abstract = True
    connection_timeout = 10.0
    network_timeout = 60.0
    plan: dict = {}
    shared: dict = {}

    def round(self, work) -> None:
        """Run one round unless the test is over; the runner waits for rounds under way."""
        if self.shared["stopping"]:
            gevent.sleep(1)
            return
        self.shared["busy"] += 1
        try:
            work()
        finally:
            self.shared["busy"] -= 1

    def failure(self, name: str, error: Exception | str, method: str = "SETUP") -> None:
        """Count a step that is not one request (a login, a broken page) as a failure."""
        self.environment.events.request.fire(
            request_type=method,
            name=name,
            response_time=0,
            response_length=0,
            exception=error if isinstance(error, Exception) else SetupFailed(error),
            context={},
            response=None,
        )

    def get_page(self, path: str, name: str):
        """GET a page that must answer 200; returns the response or None."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code}" + (f" to {where}" if where else ""))
                return None
            return response


class Resident(LoadUser):
    abstract = True
    wait_time = between(1, 3)

    @task
    def submit_an_idea(self) -> None:
        self.round(self._submit)

    def _submit(self) -> None:
        path = self.plan["paths"]["form"]
        page = self.get_page(path, "form page")
        if page is None:
            return
        try:
            pairs, enctype = form_payload(page.text or "", path)
        except SetupFailed as error:
            self.failure("form page: no form", error)
            return
        gevent.sleep(random.uniform(*FILL_SECONDS))
        email = f"resident-{uuid.uuid4().hex}@{self.plan['email_domain']}"
        pairs = with_email(pairs, email)
        if not any(value == email for _name, value in pairs):
            self.failure("form page: no email field", "the form has no email field")
            return
        body, content_type = form_encode(pairs, enctype)
        self.shared["posted"] += 1
        with self.client.post(
            path,
            name="submission",
            data=body,
            allow_redirects=False,
            catch_response=True,
            headers={"Content-Type": content_type, "Referer": self.host + path},
        ) as answer:
            location = (answer.headers or {}).get("location") or ""
            if (
                answer.status_code in (302, 303)
                and urlsplit(location).path == self.plan["paths"]["submitted"]
            ):
                self.shared["submitted"].append(email)
            elif answer.status_code == 200:
                reason = error_text(answer.text or "") or "no error text found"
                answer.failure(f"form came back invalid: {reason}")
                return
            else:
                answer.failure(
                    f"HTTP {answer.status_code}" + (f" to {location}" if location else "")
                )
                return
        self.get_page(self.plan["paths"]["submitted"], "thank-you page")


class Member(LoadUser):
    abstract = True
    wait_time = between(1, 4)

    # The bench's login steps: the password, then a backup code on the second-factor page.
    _log_in = BenchUser._log_in
    _second_factor = BenchUser._second_factor

    def on_start(self) -> None:
        self.references: list[str] = []
        self.logged_in = False
        self._sign_in()

    def _sign_in(self) -> None:
        accounts = self.plan["accounts"]
        account = accounts[self.shared["members_started"] % len(accounts)]
        self.shared["members_started"] += 1
        self.login = {
            "path": self.plan["login"]["path"],
            "username": account["username"],
            "password": self.plan["login"]["password"],
            "backup_codes": account["backup_codes"],
        }
        self.target = {"path": self.plan["paths"]["dashboard"]}
        try:
            self._log_in()
        except Exception as error:  # noqa: BLE001 - a failed login is a result
            self.failure("log in", error)
            gevent.sleep(2)
            return
        self.logged_in = True

    def _page(self, path: str, name: str):
        if not self.logged_in:
            self._sign_in()
            if not self.logged_in:
                return None
        return self.get_page(path, name)

    def _remember_ideas(self, html: str) -> None:
        prefix = re.escape(self.plan["paths"]["idea_prefix"])
        found = re.findall(prefix + r'([^/"?#\s]+)/"', html)
        if found:
            self.references = list(dict.fromkeys(found))

    @task(3)
    def inbox(self) -> None:
        def work():
            page = self._page(self.plan["paths"]["dashboard"], "dashboard")
            if page is not None:
                self._remember_ideas(page.text or "")

        self.round(work)

    @task(3)
    def filtered_list(self) -> None:
        def work():
            query = random.choice(self.plan["filters"])
            page = self._page(f"{self.plan['paths']['dashboard']}?{query}", "dashboard (filtered)")
            if page is not None:
                self._remember_ideas(page.text or "")

        self.round(work)

    @task(4)
    def open_idea(self) -> None:
        def work():
            references = self.references or self.plan["references"]
            if not references:
                return
            reference = random.choice(references)
            self._page(f"{self.plan['paths']['idea_prefix']}{reference}/", "idea page")

        self.round(work)

    @task(1)
    def statistics(self) -> None:
        def work():
            if self.plan["paths"].get("statistics"):
                self._page(self.plan["paths"]["statistics"], "statistics")

        self.round(work)


def stats_rows(environment: Environment, seconds: float) -> list[dict]:
    rows = []
    for (name, method), entry in sorted(
        environment.stats.entries.items(), key=lambda item: (item[0][0], item[0][1])
    ):
        if not entry.num_requests:
            continue
        rows.append(
            {
                "name": name,
                "method": method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median_ms": entry.median_response_time,
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": round(entry.max_response_time or 0),
                "rps": round(entry.num_requests / seconds, 2) if seconds else 0.0,
            }
        )
    return rows


def run(plan: dict) -> dict:
    shared = {"stopping": False, "busy": 0, "posted": 0, "submitted": [], "members_started": 0}
    common = {"host": plan["host"], "plan": plan, "shared": shared}
    classes = []
    if plan["residents"]:
        classes.append(
            type("ResidentUser", (Resident,), {**common, "fixed_count": plan["residents"]})
        )
    if plan["members"]:
        classes.append(type("MemberUser", (Member,), {**common, "fixed_count": plan["members"]}))
    environment = Environment(user_classes=classes, host=plan["host"])
    runner = environment.create_local_runner()
    users = plan["residents"] + plan["members"]
    started = time.monotonic()
    runner.start(users, spawn_rate=plan["spawn_rate"])
    next_progress = started + PROGRESS_EVERY
    while time.monotonic() - started < plan["seconds"]:
        gevent.sleep(0.5)
        if time.monotonic() >= next_progress:
            next_progress += PROGRESS_EVERY
            total = environment.stats.total
            print(
                f"  {time.monotonic() - started:4.0f} s: {runner.user_count} users, "
                f"{total.num_requests} requests, {total.num_failures} failures, "
                f"{len(shared['submitted'])} ideas submitted",
                file=sys.stderr,
                flush=True,
            )
    shared["stopping"] = True
    finish_by = time.monotonic() + FINISH_TIMEOUT
    while shared["busy"] and time.monotonic() < finish_by:
        gevent.sleep(0.1)
    elapsed = time.monotonic() - started
    unfinished = shared["busy"]
    runner.quit()
    errors = [
        {
            "name": error.name,
            "method": error.method,
            "error": str(error.error)[:300],
            "occurrences": error.occurrences,
        }
        for error in environment.stats.errors.values()
    ]
    return {
        "seconds": round(elapsed, 1),
        "rows": stats_rows(environment, elapsed),
        "total_requests": environment.stats.total.num_requests,
        "total_failures": environment.stats.total.num_failures,
        "errors": sorted(errors, key=lambda e: -e["occurrences"]),
        "posted": shared["posted"],
        "submitted": shared["submitted"],
        "unfinished_rounds": unfinished,
    }


def main(plan_path: str, results_path: str) -> int:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("locust").setLevel(logging.ERROR)
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    if urlsplit(plan["host"]).hostname != "127.0.0.1":
        raise SystemExit("The load test only talks to 127.0.0.1.")
    results = run(plan)
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
