"""The session clock a logged-in page hands to static/js/session-timeout.js."""

from django import template
from django.template.context import Context

from portal.session_timeout import page_session_clock

register = template.Library()


@register.simple_tag(takes_context=True)
def session_clock(context: Context) -> dict[str, int] | None:
    """Seconds left, session start and user id for a logged-in page; None otherwise."""
    request = context.get("request")
    return page_session_clock(request) if request is not None else None
