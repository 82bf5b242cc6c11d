"""A Redis cache that an outage cannot take down: it falls back to this process's memory; and
the one way the portal keeps figures until the data they count changes (`remember`).

The cache holds only what can be rebuilt: the rendered idea form and home page
(ideas/form_cache.py), the dashboard's parts and counts, the statistics' figures, the
committee's partner list and partner pages, and the submission rate limits. When Redis does
not answer, every call goes to a per-process memory cache instead (the same as the one-process
default) and a warning is logged once; Redis is tried again after `RETRY_SECONDS`. So pages are
rendered afresh, and the rate limits still hold, per web process, until Redis is back (with four
web processes an address may send up to four times its allowance meanwhile). Nothing raises.

Apart from it, each process keeps in its own memory the parts of pages that hold nothing of the
data and nothing personal, only the language, the page and the kind of reader: base.html's menu
and footer and the statistics' period form (`{% cache ... using="fragments" %}`,
settings.CACHES["fragments"]; not kept with debug on, so an edited template shows at once).
"""

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.db.models import Model
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Per process, shared by the threads' cache objects: when Redis may be tried again, per server.
_retry_at: dict[str, float] = {}
_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, but a call that fails is answered by a memory cache."""

    RETRY_SECONDS = 10

    def __init__(self, server: str | list[str], params: dict[str, Any]):
        super().__init__(server, params)
        self._server_key = server if isinstance(server, str) else ",".join(server)
        self.RETRY_SECONDS = params.get("RETRY_SECONDS", self.RETRY_SECONDS)
        fallback = {
            name: value
            for name, value in params.items()
            if name in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
        }
        self._fallback = LocMemCache(f"fail-soft-redis:{self._server_key}", fallback)

    @property
    def is_down(self) -> bool:
        """Tell whether Redis failed lately and is not to be tried yet."""
        return time.monotonic() < _retry_at.get(self._server_key, 0)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.is_down:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except (RedisError, OSError) as error:
                self._went_down(error)
            else:
                self._came_back()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def _went_down(self, error: Exception) -> None:
        with _lock:
            first = self._server_key not in _retry_at
            _retry_at[self._server_key] = time.monotonic() + self.RETRY_SECONDS
        if first:
            logger.warning(
                "The cache at %s does not answer (%s: %s). Pages are rendered without it and "
                "rate limits are counted in this process only until it is back.",
                self._server_key,
                type(error).__name__,
                error,
            )

    def _came_back(self) -> None:
        if self._server_key not in _retry_at:
            return
        with _lock:
            was_down = _retry_at.pop(self._server_key, None) is not None
        if was_down:
            # What was kept meanwhile may be older than what Redis holds: forget it.
            self._fallback.clear()
            logger.warning("The cache at %s answers again.", self._server_key)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        self._fallback.clear()
        return self._call("clear")


# -- Figures kept until the data changes --------------------------------------------------------
# A page whose figures are costly to count (the dashboard, the statistics, the registry)
# keeps them in the cache under a key made of "marks": the newest id or time of each table the
# figures count (or a small table's row count, which sees a row removed), read in one query. A
# new idea, a status change, a review, a referral answer... moves a mark, so the next request
# counts afresh; a change no mark sees (an edit in the admin) shows within the timeout. With
# Redis down the fail-soft cache above answers from this process's memory, so a page never
# fails for the cache: at worst it counts as if nothing were kept.

T = TypeVar("T")
Mark = tuple[type[Model], str, str]  # (model, "MAX" or "COUNT", column)
_MISSING = object()


def data_marks(marks: Sequence[Mark]) -> tuple[Any, ...]:
    """The marks of the data, in one round trip; only names from the models go in the text."""
    q = connection.ops.quote_name
    selects = [
        f"(SELECT {function}({q(column)}) FROM {q(model._meta.db_table)})"  # noqa: S608
        for model, function, column in marks
    ]
    sql = "SELECT " + ", ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def cache_key(name: str, version: object) -> str:
    """A cache key for `name` that changes with `version` (marks, a period, a language...)."""
    return f"{name}:{hashlib.sha256(repr(version).encode()).hexdigest()[:32]}"


def remember(name: str, *, version: object, compute: Callable[[], T], timeout: int) -> T:
    """What `compute()` gives, kept under `name` and `version` for at most `timeout` seconds."""
    key = cache_key(name, version)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value
