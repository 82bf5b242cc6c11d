"""A URL with a NUL byte or other garbage in any of its parameters finds nothing: 404, never 500.

PostgreSQL refuses a text containing NUL outright, so a parameter that reaches a query
unchecked answers 500 there (`make test-services` runs this file on PostgreSQL). Every route
is walked with every kind of garbage in each of its URL parameters, by a user who holds every
role, so that the request gets as far as the view.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve

from partners.models import Partner
from portal.lookups import MAX_PK, PkMultipleChoiceField
from portal.roles import Role
from tests.factories import UserFactory
from tests.test_access import KWARG_VALUES, ROUTES

GARBAGE = [
    "%00",
    "IL-2026-0001%00",
    "%00IL-2026-0001",
    "a%00b",
    "%FF%FE",
    "%C0%AF",
    "..%2F..",
    "x" * 3000,
    "%E2%80%AE",
    "'%20OR%201=1%20--",
    "99999999999999999999999999",
    "-1",
    "%2500",
]
WITH_PARAMETERS = [route for route in ROUTES if route.kwarg_names()]
# Django's own password reset page answers a link that is not valid with a page that says so.
SAYS_THE_LINK_IS_INVALID = {"password_reset_confirm"}


def _url(route, name: str, value: str) -> str:
    values = {other: KWARG_VALUES[other]() for other in route.kwarg_names() if other != name}
    return route.url({**values, name: value})


@pytest.mark.parametrize(
    "path",
    [
        "/triage/ideas/\x00/",
        "/triage/ideas/IL-2026-0001\x00/move/",
        "/triage/ideas/%27--/",
        "/triage/ideas/IL-2026-٠٠٠١/",
    ],
)
def test_a_reference_that_is_not_one_matches_no_route(path):
    with pytest.raises(Resolver404):
        resolve(path)


def test_every_route_that_takes_a_reference_matches_it_with_the_reference_converter():
    """Garbage reaches PostgreSQL only on the services tier; this holds on any database."""
    loose = [
        route.key
        for route in ROUTES
        if "reference" in route.kwarg_names() and "<reference:reference>" not in route.route
    ]
    assert loose == []


def test_every_route_that_takes_a_row_id_matches_it_with_the_pk_converter():
    """One guard for ids in URLs (portal/lookups.py); the admin guards its own."""
    ids = [
        (route.key, name)
        for route in ROUTES
        if not route.is_admin
        for name in route.kwarg_names()
        if name == "pk" or name.endswith("_id")
    ]
    assert ids  # the walk finds them
    loose = [
        key
        for key, name in ids
        if f"<pk:{name}>" not in next(r.route for r in ROUTES if r.key == key)
    ]
    assert loose == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [
        route
        for route in WITH_PARAMETERS
        if not route.is_admin and any(f"<pk:{name}>" in route.route for name in route.kwarg_names())
    ],
    ids=lambda r: r.key,
)
def test_the_largest_id_finds_nothing_and_a_larger_one_matches_no_route(client, route):
    user = UserFactory(roles=list(Role), is_superuser=True, is_staff=True)
    client.force_login(user)
    name = next(name for name in route.kwarg_names() if f"<pk:{name}>" in route.route)
    assert client.get(_url(route, name, str(MAX_PK))).status_code in {404, 405}
    for value in (str(MAX_PK + 1), "1" * 19 + "0", "²", "٣"):
        with pytest.raises(Resolver404):
            resolve(_url(route, name, value))


def test_a_chosen_id_that_cannot_be_a_row_is_a_form_error_before_any_query():
    field = PkMultipleChoiceField(queryset=Partner.objects.all())
    for value in (str(MAX_PK + 1), "²", "٣", "-1", "1.5", "1\x00"):
        with pytest.raises(ValidationError):
            field.clean([value])


def test_a_real_reference_still_matches():
    assert resolve("/triage/ideas/IL-2026-0042/").kwargs == {"reference": "IL-2026-0042"}
    assert resolve("/triage/ideas/IL-2026-10000/review/").url_name == "idea_review"


@pytest.mark.django_db
@pytest.mark.parametrize("route", WITH_PARAMETERS, ids=lambda r: r.key)
def test_garbage_in_any_url_parameter_finds_nothing(client, route):
    user = UserFactory(roles=list(Role), is_superuser=True, is_staff=True)
    client.force_login(user)
    client.raise_request_exception = False
    for name in route.kwarg_names():
        for value in GARBAGE:
            url = _url(route, name, value)
            for method in (client.get, client.post):
                response = method(url)
                allowed = (
                    {302, 403, 404}
                    if route.is_admin  # the admin's "no such object"
                    else {200, 404}
                    if route.key in SAYS_THE_LINK_IS_INVALID
                    else {404, 405}
                )  # 405: a POST to a page that only shows
                assert response.status_code in allowed, (
                    f"{method.__name__.upper()} {url} answered {response.status_code}"
                )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "municipality=%00",
        "status=%00",
        "page=%00",
        "sort=%00",
        "theme=%00",
        "q=" + "x" * 3000,
        "state=%00",
    ],
)
def test_garbage_in_a_query_string_is_no_server_error(coordinator_client, query):
    coordinator_client.raise_request_exception = False
    for url in (
        "/triage/",
        "/triage/export.csv",
        "/triage/outbox/",
        "/partners/",
        "/triage/statistics/",
        "/triage/statistics/open-data.csv",
        "/",
    ):
        response = coordinator_client.get(f"{url}?{query}")
        assert response.status_code < 500, f"{url}?{query} answered {response.status_code}"
