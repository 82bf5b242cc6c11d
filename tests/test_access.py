"""Every route of the project is either public or protected, and protection holds for every role.

The routes are read from the URL resolver, so a route someone adds is checked too. A new route
must either check roles with `portal.roles.role_required` (or live in the admin), or be listed in
PUBLIC_ROUTES / TOKEN_ROUTES below with a reason. URL keyword arguments are filled from
KWARG_VALUES by their name; a route with a new keyword name fails until one is added there.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from portal.roles import Role
from tests.factories import IdeaFactory, PartnerFactory, ReferralFactory, UserFactory

# Pages anyone may open, by route name (namespace:name) or, for unnamed routes, the route string.
PUBLIC_ROUTES = {
    "home",
    "ideas:submit",
    "ideas:submitted",
    "ideas:lost_link",  # asks for an address; says the same whether or not it is known
    "ideas:short_code",  # a paper receipt's reference and code; wrong tries are rate-limited
    "ideas:short_link",  # the same as a link to type; a wrong one finds nothing (404)
    "ideas:paper_form",  # the blank form to print, with no data in it
    # The intake pages' service worker: a script that holds no data (ideas/offline_intake.py).
    "ideas:intake_worker",
    "set_language",
    "login",
    "logout",
    "admin:login",
    "admin:logout",  # logging out needs no rights; the admin sends a visitor to its index
    "privacy_notice",
    "accessibility_statement",
    "how_it_works",
    "contact",
    "about",
    "needs",  # the county's needs: counts with small ones hidden, titles only by consent
    "open_data",  # the data card of the same figures
    "open_data_csv_public",  # the figures per calendar year, small ones hidden
    "open_data_json",  # the same as JSON
    "open_data_catalogue",  # their DCAT-AP-SE description
    "brand_css",  # the partnership's colours, the same for everyone
    "partner_portal:answered",  # a thank-you page after a partner's answer; it shows no data
    "ideas:my_data_keys",  # what each key of the "my data" download means: no one's data
    # The published registry: only partners that agreed to be listed, never a contact person.
    "partners:directory",
    "hsds_unknown_path",
    "hsds:root",
    "hsds:openapi-json",
    "hsds:services",
    "hsds:service",
    "hsds:organizations",
    "hsds:organization",
    "hsds:taxonomies",
    "hsds:taxonomy",
    "hsds:taxonomy_terms",
    "hsds:taxonomy_term",
    # Password reset by email: the same pages whether or not the address has an account.
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    # A link with a made-up token shows "the link does not work" (Django's view, 200, no data).
    "password_reset_confirm",
}
# Public, but reached only with an unguessable token: a made-up token must find nothing (404).
TOKEN_ROUTES = {
    "ideas:track",
    "ideas:original",  # the idea as its owner sent it
    "ideas:answer",
    "ideas:withdraw",
    "ideas:my_data",
    "ideas:my_data_page",  # the same data as a page to read and print
    "ideas:public_listing",  # the owner's choice whether the idea may be shown publicly
    "ideas:erase",
    "ideas:draft",
    "partner_portal:answer",  # a signed referral answer link (triage.referrals.answers)
    "partners:invitation",  # a contact person's signed invitation (partners.invitations)
    "partner_portal:confirm_link",  # a signed link that confirms an entry (partners.entries)
    "follow_up:survey",  # the owner's follow-up survey (triage.referrals.follow_up)
    # The owner's consent and answers per partner, under the tracking link.
    "partner_consent:decide",
    "partner_consent:reply",
}
# For any logged-in user, about the user's own account (two-factor set-up): no role needed,
# but an anonymous visitor is sent to the login page.
LOGGED_IN_ROUTES = {
    "after_login",
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_backup_codes",
    "password_change",
    "password_change_done",
}
# For any logged-in user, asked by a page's script (portal/session_timeout.py): an anonymous
# visitor gets 403, never a login page the script could not show.
LOGGED_IN_SCRIPT_ROUTES = {"portal:session_extend"}
MADE_UP_TOKEN = "made-up-token-that-matches-nothing"


def _idea_reference() -> str:
    return IdeaFactory(in_review=True).reference


def _referral_pk() -> str:
    return str(ReferralFactory().pk)


def _meeting_item() -> tuple[str, str]:
    """A meeting with one idea on its agenda: (the meeting's public id, the item's)."""
    from triage.models import AgendaItem, Meeting

    item = AgendaItem.objects.filter(meeting__title="Prov").first()
    if item is None:
        meeting = Meeting.objects.create(date="2026-12-10", title="Prov")
        item = AgendaItem.objects.create(meeting=meeting, idea=IdeaFactory(in_review=True))
    return str(item.meeting.public_id), str(item.public_id)


def _form_question_pk() -> str:
    """A question the coordinator added to the idea form (ideas/questions.py)."""
    from ideas.models import FormQuestion
    from ideas.questions import question_add

    question = FormQuestion.objects.filter(retired_at=None).first() or question_add(
        kind="text", required=False, texts={"sv": {"wording": "Prov"}, "en": {"wording": "Test"}}
    )
    return str(question.pk)


def _call_pk() -> str:
    from ideas.models import CallForIdeas

    call = CallForIdeas.objects.first() or CallForIdeas.objects.create(
        title={"sv": "Prov", "en": "Test"}, opens_on="2026-12-01", closes_on="2027-03-31"
    )
    return str(call.pk)


# How to fill a URL keyword argument, by its name: a function returning a real value.
KWARG_VALUES: dict[str, Callable[[], str]] = {
    "reference": _idea_reference,
    "token": lambda: MADE_UP_TOKEN,
    "pk": _referral_pk,
    "id": lambda: str(UserFactory().pk),
    # Made up: building a real attachment writes a file, and other tests reuse this table.
    "uuid": lambda: "00000000-0000-4000-8000-000000000000",
    "slug": lambda: PartnerFactory().slug,
    "object_id": lambda: "1",
    "app_label": lambda: "ideas",
    "content_type_id": lambda: str(ContentType.objects.get_for_model(get_user_model()).pk),
    "url": lambda: "no-such-page/",
    "file_format": lambda: "csv",
    "criterion_id": lambda: "1",  # the first of the criteria the migration loads
    # A referral's public id (its random UUID, as the owner's tracking-page forms name it).
    "referral": lambda: str(ReferralFactory().public_id),
    # A meeting and an idea on its agenda, by their public ids (the same meeting for both).
    "meeting": lambda: _meeting_item()[0],
    "item": lambda: _meeting_item()[1],
    "question_id": _form_question_pk,  # a question of the idea form
    "call_id": _call_pk,  # a call for ideas
    "code": lambda: "AAAA-AAAA",  # a paper receipt's short code; made up, so it opens nothing
    "uidb64": lambda: "MQ",  # base64 of "1"; with the made-up token the link finds nothing
}


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    callback: Callable
    namespace: str

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def required_roles(self) -> tuple[Role, ...] | None:
        return getattr(self.callback, "required_roles", None)

    @property
    def is_admin(self) -> bool:
        return self.namespace.split(":")[0] == "admin"

    def kwarg_names(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route.replace("?P<", "<"))

    def url(self, values: dict[str, str]) -> str:
        """Fill the route string with values: path() converters and regex named groups alike."""
        url = re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m: values[m.group(1)],
            re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], self.route),
        )
        return "/" + url.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(prefix + str(pattern.pattern), name, pattern.callback, namespace)


ROUTES = list(_walk(get_resolver().url_patterns))
OPEN_TO_SOME = PUBLIC_ROUTES | TOKEN_ROUTES | LOGGED_IN_ROUTES | LOGGED_IN_SCRIPT_ROUTES
PROTECTED = [r for r in ROUTES if r.key not in OPEN_TO_SOME]
STAFF_ROLES = list(Role)


def _fill(route: Route) -> str:
    unknown = [name for name in route.kwarg_names() if name not in KWARG_VALUES]
    if unknown:
        pytest.fail(
            f"Route {route.route!r} ({route.key}) takes the URL keyword(s) {unknown}, which "
            "tests/test_access.py cannot fill. Add an entry to KWARG_VALUES that builds a real "
            "object with the factories and returns the value for the URL."
        )
    url = route.url({name: KWARG_VALUES[name]() for name in route.kwarg_names()})
    match = resolve(url)
    assert match.func == route.callback, f"{url} resolves to {match.view_name}, not {route.key}"
    return url


def _denied(response, *, anonymous: bool, admin: bool) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code == 302:
        location = response["Location"]
        # The admin sends everyone without staff access to its own login page.
        login = reverse("admin:login") if admin else reverse("login")
        return (anonymous or admin) and location.startswith(login)
    return False


def test_the_walk_finds_the_committee_pages_and_the_admin():
    keys = {route.key for route in ROUTES}
    assert {"triage:dashboard", "triage:idea_detail", "admin:index", "home"} <= keys


def test_every_public_route_in_the_lists_still_exists():
    keys = {route.key for route in ROUTES}
    assert OPEN_TO_SOME - keys == set()


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.key)
def test_every_route_that_is_not_public_checks_roles(route):
    assert route.required_roles or route.is_admin, (
        f"Route {route.route!r} ({route.key}) is neither public nor protected. Wrap its view in "
        "portal.roles.role_required(...), or, if anyone may open it, add it to PUBLIC_ROUTES in "
        "tests/test_access.py (TOKEN_ROUTES if an unguessable token in the URL guards it)."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.key)
def test_a_protected_route_turns_away_anonymous_users_and_wrong_roles(client, route):
    url = _fill(route)
    for method in (client.get, client.post):
        response = method(url)
        assert _denied(response, anonymous=True, admin=route.is_admin), (
            f"Anonymous {method.__name__.upper()} {url} got {response.status_code}"
        )
    allowed = set(route.required_roles or ())
    wrong = [None, *(role for role in STAFF_ROLES if role not in allowed)]
    for role in wrong:
        user = UserFactory(roles=[role] if role else [])
        client.force_login(user)
        for method in (client.get, client.post):
            response = method(url)
            assert _denied(response, anonymous=False, admin=route.is_admin), (
                f"{role or 'a user without a role'} {method.__name__.upper()} {url} "
                f"got {response.status_code}; expected 403 or 404"
            )
        client.logout()


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in PROTECTED if r.required_roles], ids=lambda r: r.key)
def test_a_protected_route_lets_in_a_user_with_the_right_role(client, route):
    """Guards the test itself: the URLs it builds reach the view, so a 403 above means a check."""
    url = _fill(route)
    client.force_login(UserFactory(roles=[route.required_roles[0]]))
    statuses = {client.get(url).status_code, client.post(url).status_code}
    assert statuses - {403}, f"{url} refuses even {route.required_roles[0]}: {statuses}"


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(TOKEN_ROUTES))
def test_a_made_up_token_finds_nothing(client, key):
    route = next(r for r in ROUTES if r.key == key)
    url = _fill(route)
    statuses = {client.get(url).status_code, client.post(url).status_code}
    assert statuses <= {404, 405} and 404 in statuses, f"{url}: {statuses}"


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(LOGGED_IN_ROUTES))
def test_an_account_page_sends_anonymous_users_to_the_login_page(client, key):
    route = next(r for r in ROUTES if r.key == key)
    url = _fill(route)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{url}: {response.status_code}"
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(LOGGED_IN_SCRIPT_ROUTES))
def test_a_script_route_refuses_anonymous_users(client, key):
    route = next(r for r in ROUTES if r.key == key)
    url = _fill(route)
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["review", "decline", "assign"])
def test_a_committee_member_cannot_use_the_coordinators_batch_actions(client, action):
    """The batch route is the committee's (a member may start the screening); the actions that
    move ideas on, decline them or assign reviewers are the coordinator's (issue 21)."""
    from ideas.models import Idea
    from triage.models import ReviewAssignment

    idea = IdeaFactory(screening=True)
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    client.force_login(member)
    response = client.post(
        reverse("triage:batch"),
        {"ideas": [idea.reference], "action": action, "reviewers": [member.pk]},
    )
    assert response.status_code == 403
    assert Idea.objects.get(pk=idea.pk).status == "screening"
    assert not ReviewAssignment.objects.exists()
    assert (
        client.post(reverse("triage:batch_decline"), {"ideas": [idea.reference]}).status_code == 403
    )
