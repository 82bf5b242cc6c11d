"""Per-address limits on the public forms (django-ratelimit counts in the cache).

Looking does not count: a form checks `rate_used_up` before it acts and calls `rate_count` only
for what it stored or sent. When the cache is down the counts live in each web process
(portal/cache.py).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

# A method ("POST"), or django_ratelimit.ALL: then GET and POST share one count.
Methods = str | tuple[None]


def _rate(setting: str) -> Callable[[str, HttpRequest], str]:
    def rate(group: str, request: HttpRequest) -> str:
        value: str = getattr(settings, setting)
        return value

    return rate


def rate_used_up(
    request: HttpRequest, *, group: str, rate_setting: str, method: Methods = "POST"
) -> bool:
    """Tell whether this address has used up the allowance named by `rate_setting`."""
    usage = get_usage(request, group=group, key="ip", rate=_rate(rate_setting), method=method)
    return usage is not None and usage["count"] >= usage["limit"]


def rate_count(
    request: HttpRequest, *, group: str, rate_setting: str, method: Methods = "POST"
) -> None:
    """Count one thing sent from this address against its allowance."""
    get_usage(
        request, group=group, key="ip", rate=_rate(rate_setting), method=method, increment=True
    )
