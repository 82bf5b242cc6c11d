"""A Redis cache that an outage cannot take down: it falls back to this process's memory.

The cache holds only what can be rebuilt: the rendered idea form, the dashboard's parts and
counts, and the submission rate limits. When Redis does not answer, every call goes to a
per-process memory cache instead (the same as the one-process default) and a warning is logged
once; Redis is tried again after `RETRY_SECONDS`. So pages are rendered afresh, and the rate
limits still hold, per web process, until Redis is back (with four web processes an address may
send up to four times its allowance meanwhile). Nothing raises.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
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
