"""The portal's URLs plus a bare view: the floor every page's throughput is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal import urls as portal_urls


def bare(request: HttpRequest) -> HttpResponse:
    """No template, no database: what Django and the middleware cost on their own."""
    return HttpResponse("ok", content_type="text/plain")


# Concatenated rather than include()d, so i18n_patterns in portal.urls keep working.
urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *portal_urls.urlpatterns]

for _handler in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(portal_urls, _handler):
        globals()[_handler] = getattr(portal_urls, _handler)
