"""The portal's URLs plus one view that fails, to check headers on a server error."""

from django.urls import path

from portal.urls import handler500  # noqa: F401 - the portal's own server error page
from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("a deliberate failure for the header test")


urlpatterns = [*portal_urlpatterns, path("broken/", broken)]
