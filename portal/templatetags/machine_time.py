"""Times as machines read them: the `datetime` attribute of `<time>`.

HTML allows at most three decimals of a second there, and Django's `date:"c"` writes six, so
every template writes `{{ value|machine_time }}` instead. A builtin (portal/settings.py), so no
template has to load it.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value: date | datetime | None) -> str:
    """ISO 8601 to the second, in the portal's time zone (a date stays a date)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
