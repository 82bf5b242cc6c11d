"""Settings of the test suite: the portal's own, in demo mode (debug on), as `make run` serves.

The portal defaults to debug off (production), so the suite turns demo mode on explicitly.
Tests of the production configuration run manage.py in a subprocess with their own environment
(tests/test_settings.py) or switch the settings they need (tests/test_security.py).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from portal.settings import *  # noqa: E402, F403

# The menu and footer are kept in memory as in production (with debug on they are not), so that
# the suite reads them as production serves them: kept per language, page and kind of reader.
CACHES["fragments"] = {  # noqa: F405
    **CACHES["fragments"],  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
}
