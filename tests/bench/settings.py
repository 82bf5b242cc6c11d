"""Settings for `make bench`: the portal's own settings, plus a bare view to compare against.

Everything comes from portal.settings (read from the environment the bench runner sets: debug
off, a secret key, the bench database). Only what a load test on plain HTTP needs changes here.
"""

import os

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"

# One client address sends every request, so the per-IP limits would stop the bench itself.
RATELIMIT_ENABLE = False
# The simulated residents send the form again at once; the check still runs, and passes.
IDEAS_MIN_FILL_SECONDS = 0

# The bench talks plain HTTP to 127.0.0.1: cookies marked Secure would never come back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False

# The runner points static files, uploads and mail at its temporary folder.
if os.environ.get("BENCH_TMPDIR"):
    STATIC_ROOT = os.path.join(os.environ["BENCH_TMPDIR"], "static")
