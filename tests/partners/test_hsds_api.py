"""The published registry as Open Referral (HSDS 3.0) data: every response passes the HSDS 3.0
schemas kept in tests/hsds_schemas/ (with their licence), pages add up, filters combine, errors
are RFC 9457 problems, and no contact person or unlisted partner ever appears."""

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from partners.models import Partner
from tests.factories import (
    PartnerContactFactory,
    PartnerFactory,
    SupportKindFactory,
    ThemeFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "hsds_schemas"
API = "/api/hsds/"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page"}
PAGE_KEYS |= {"empty", "contents"}
SECRETS = ("Zelda", "Hemligsson", "zelda.hemlig@privat.example", "Idéansvarig", "Dold")


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (path.name, Resource.from_contents(_schema(path.stem), default_specification=DRAFT202012))
        for path in SCHEMAS.glob("*.json")
        if path.stem != "openapi"
    )


@cache
def _validator(name: str) -> Draft202012Validator:
    if name == "page":
        schema = {**_schema("openapi")["components"]["schemas"]["Page"]}
        schema["required"] = sorted(PAGE_KEYS)
    elif name == "root":
        paths = _schema("openapi")["paths"]
        schema = paths["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        schema = {**schema, "required": ["version", "profile", "openapi_url"]}
    else:
        schema = _schema(name)
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _only_declared_fields(instance: Any, schema: dict[str, Any], where: str) -> None:
    """The schemas allow any extra field; this API sends none that HSDS does not name."""
    if isinstance(instance, dict) and "properties" in schema:
        unknown = set(instance) - set(schema["properties"])
        assert not unknown, f"{where}: fields HSDS does not name: {unknown}"
        for key, value in instance.items():
            _only_declared_fields(value, schema["properties"][key], f"{where}.{key}")
    elif isinstance(instance, list) and "items" in schema:
        for item in instance:
            _only_declared_fields(item, schema["items"], where)


def _valid(name: str, instance: Any) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(instance)
    ]
    assert not errors, f"not valid HSDS {name}: {errors}"
    if name not in {"page", "root"}:
        _only_declared_fields(instance, _schema(name), name)


# Which schema each list's items and each single object follow.
LIST_ITEMS = {
    "services": "service_list",
    "organizations": "organization_list",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}
DETAIL = {
    "services": "service",
    "organizations": "organization",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}


def _get(client, url: str, **headers: str) -> dict[str, Any]:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.content)
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _list(client, what: str, query: str = "") -> dict[str, Any]:
    """One page of a list, checked against the Page object and the items' schema."""
    page = _get(client, f"{API}{what}{'?' + query if query else ''}")
    _valid("page", page)
    for item in page["contents"]:
        _valid(LIST_ITEMS[what], item)
    return page


def _detail(client, what: str, id: str) -> dict[str, Any]:
    body = _get(client, f"{API}{what}/{id}")
    _valid(DETAIL[what], body)
    return body


def _problem(client, url: str, status: int) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, (url, response.content)
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["detail"] and body["instance"].startswith(API)
    return body


@pytest.fixture
def registry():
    """Two published partners, one unlisted and one inactive; each with a contact person whose
    name and address must never be published."""
    theme, other_theme = ThemeFactory(slug="fibre-t"), ThemeFactory(slug="culture-t")
    advice, money = SupportKindFactory(slug="advice-s"), SupportKindFactory(slug="money-s")
    ramsberg = PartnerFactory(
        name="Byalaget Ramsberg",
        description="Bygdens egen förening.",
        listed_publicly=True,
        email="info@ramsberg.example.org",
        phone="0581-123 45",
        website="https://ramsberg.example.org/",
        languages="sv,en",
        contacts=0,
    )
    ramsberg.themes.set([theme])
    ramsberg.support_kinds.set([advice, money])
    ramsberg.municipalities.set([municipality("1885")])
    county = PartnerFactory(
        name="Hela länet ska leva", listed_publicly=True, covers_whole_county=True, contacts=0
    )
    county.themes.set([other_theme])
    county.support_kinds.set([advice])
    hidden = PartnerFactory(name="Dold Förening", listed_publicly=False, contacts=0)
    inactive = PartnerFactory(
        name="Dold Förening i vila", listed_publicly=True, is_active=False, contacts=0
    )
    for partner in (hidden, inactive):
        partner.themes.set([theme])
        partner.support_kinds.set([advice])
    for partner in (ramsberg, county, hidden, inactive):
        PartnerContactFactory(
            partner=partner,
            name="Zelda Hemligsson",
            email="zelda.hemlig@privat.example",
            role="Idéansvarig Zelda",
        )
    return {
        "ramsberg": ramsberg,
        "county": county,
        "theme": theme,
        "advice": advice,
        "money": money,
    }


def _term_id(client, slug: str) -> str:
    terms = _list(client, "taxonomy_terms", f"search={slug}")["contents"]
    return next(term["id"] for term in terms if term["code"] == slug)


def test_the_root_names_the_version_the_profile_and_the_openapi_document(client):
    root = _get(client, API)
    _valid("root", root)
    assert root["version"] == "3.0"
    assert root["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    document = _get(client, root["openapi_url"])
    assert document["openapi"].startswith("3.")
    assert {"/api/hsds/services", "/api/hsds/services/{id}", "/api/hsds/organizations"} <= set(
        document["paths"]
    )
    assert {"/api/hsds/organizations/{id}", "/api/hsds/taxonomies"} <= set(document["paths"])
    assert "/api/hsds/taxonomy_terms" in document["paths"]
    not_found = document["paths"]["/api/hsds/services/{id}"]["get"]["responses"]["404"]
    assert "application/problem+json" in not_found["content"]
    bad = document["paths"]["/api/hsds/services"]["get"]["responses"]["400"]
    assert "application/problem+json" in bad["content"]
    parameters = {p["name"] for p in document["paths"]["/api/hsds/services"]["get"]["parameters"]}
    assert {"search", "modified_after", "taxonomy_term_id", "organization_id"} <= parameters
    assert {"page", "per_page"} <= parameters


def test_every_response_passes_the_schemas_and_none_shows_a_contact_or_an_unlisted_partner(
    client, registry
):
    bodies = [
        json.dumps(client.get(url).json(), ensure_ascii=False).encode()
        for url in (API, f"{API}openapi.json")
    ]
    for what in LIST_ITEMS:
        page = _list(client, what, "per_page=100")
        bodies.append(json.dumps(page, ensure_ascii=False).encode())
        for item in page["contents"]:
            bodies.append(
                json.dumps(_detail(client, what, item["id"]), ensure_ascii=False).encode()
            )
    for query in ("search=Zelda", "search=Dold", "search=hemlig"):
        bodies.append(json.dumps(_list(client, "services", query), ensure_ascii=False).encode())
        bodies.append(
            json.dumps(_list(client, "organizations", query), ensure_ascii=False).encode()
        )
    text = b"\n".join(bodies).decode()
    for secret in SECRETS:
        assert secret not in text
    assert "Byalaget Ramsberg" in text and "Hela länet ska leva" in text
    assert _list(client, "organizations")["total_items"] == 2
    assert _list(client, "services")["total_items"] == 3


def test_a_partner_is_an_organization_with_one_service_for_each_kind_of_support(client, registry):
    ramsberg = registry["ramsberg"]
    organization = _detail(client, "organizations", str(ramsberg.uuid))
    assert organization["name"] == "Byalaget Ramsberg"
    assert organization["email"] == "info@ramsberg.example.org"
    assert organization["website"] == "https://ramsberg.example.org/"
    assert [phone["number"] for phone in organization["phones"]] == ["0581-123 45"]
    services = organization["services"]
    assert len(services) == 2
    service = _detail(client, "services", services[0]["id"])
    assert service["organization_id"] == str(ramsberg.uuid)
    assert [(area["name"], area["extent"]) for area in service["service_areas"]] == [
        ("Lindesberg", "1885")
    ]
    assert [language["code"] for language in service["languages"]] == ["sv", "en"]
    codes = {attribute["taxonomy_term"]["code"] for attribute in service["attributes"]}
    assert codes == {"fibre-t", "advice-s"}
    # The partner covering the whole county has one area: the county, code 18.
    county = _detail(client, "organizations", str(registry["county"].uuid))
    assert [area["extent"] for area in county["services"][0]["service_areas"]] == ["18"]


def test_ids_are_uuids_that_stay_when_the_entry_changes_and_are_not_row_numbers(client, registry):
    ramsberg = registry["ramsberg"]
    before = {
        s["id"] for s in _list(client, "services", f"organization_id={ramsberg.uuid}")["contents"]
    }
    ramsberg.description = "Ny text."
    ramsberg.save()
    after = {
        s["id"] for s in _list(client, "services", f"organization_id={ramsberg.uuid}")["contents"]
    }
    assert before == after and len(after) == 2
    _problem(client, f"{API}organizations/{ramsberg.pk}", 404)
    assert Partner.objects.filter(uuid=ramsberg.uuid).count() == 1
    assert registry["county"].uuid != ramsberg.uuid


@pytest.mark.parametrize(
    ("partners", "query", "expected"),
    [
        # total_items, total_pages, page_number, size, first, last, empty
        (0, "", (0, 0, 1, 0, True, True, True)),
        (4, "per_page=2", (4, 2, 1, 2, True, False, False)),
        (4, "per_page=2&page=2", (4, 2, 2, 2, False, True, False)),
        (5, "per_page=2&page=3", (5, 3, 3, 1, False, True, False)),
        (3, "per_page=3", (3, 1, 1, 3, True, True, False)),
    ],
)
def test_pages_add_up_at_their_edges(client, partners, query, expected):
    for index in range(partners):
        PartnerFactory(name=f"Förening {index}", listed_publicly=True, contacts=0)
    page = _list(client, "organizations", query)
    assert (
        page["total_items"],
        page["total_pages"],
        page["page_number"],
        page["size"],
        page["first_page"],
        page["last_page"],
        page["empty"],
    ) == expected
    assert len(page["contents"]) == page["size"]


def test_a_page_past_the_last_is_not_found_and_a_bad_page_value_is_a_bad_request(client):
    for index in range(3):
        PartnerFactory(name=f"Förening {index}", listed_publicly=True, contacts=0)
    _problem(client, f"{API}organizations?per_page=2&page=3", 404)
    for query in ("page=0", "page=two", "per_page=0", "per_page=101"):
        body = _problem(client, f"{API}organizations?{query}", 400)
        assert body["invalid_params"][0]["name"] == query.split("=")[0]


def test_each_filter_narrows_the_services_and_they_combine_with_and(client, registry):
    county = registry["county"]

    def names(query: str) -> list[str]:
        return [s["name"] for s in _list(client, "services", query)["contents"]]

    assert len(names("")) == 3
    assert len(names("search=Ramsberg")) == 2
    assert len(names("search=bygdens egen")) == 2  # in the description
    assert len(names(f"organization_id={county.uuid}")) == 1
    theme = _term_id(client, "fibre-t")
    advice = _term_id(client, "advice-s")
    money = _term_id(client, "money-s")
    assert len(names(f"taxonomy_term_id={theme}")) == 2  # both of Ramsberg's kinds of support
    assert len(names(f"taxonomy_term_id={advice}")) == 2  # Ramsberg's and the county's
    assert len(names(f"taxonomy_term_id={money}")) == 1
    assert len(names(f"taxonomy_term_id={advice}&organization_id={county.uuid}")) == 1
    assert names(f"taxonomy_term_id={money}&organization_id={county.uuid}") == []
    assert names(f"search=Ramsberg&organization_id={county.uuid}") == []
    assert names("taxonomy_term_id=00000000-0000-4000-8000-000000000000") == []
    # modified_after: only partners changed at or after the time.
    Partner.objects.filter(pk=county.pk).update(updated_at=datetime(2020, 1, 1, tzinfo=UTC))
    since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert len(names(f"modified_after={since}")) == 2
    assert len(names("modified_after=2019-12-31T00:00:00Z")) == 3
    assert names(f"modified_after={since}&organization_id={county.uuid}") == []
    orgs = _list(client, "organizations", f"modified_after={since}")["contents"]
    assert [o["name"] for o in orgs] == ["Byalaget Ramsberg"]
    orgs = _list(client, "organizations", f"taxonomy_term_id={advice}&search=länet")["contents"]
    assert [o["name"] for o in orgs] == ["Hela länet ska leva"]


def test_the_taxonomies_hold_the_themes_and_the_kinds_of_support(client, registry):
    taxonomies = _list(client, "taxonomies")["contents"]
    assert len(taxonomies) == 2
    for taxonomy in taxonomies:
        assert _detail(client, "taxonomies", taxonomy["id"]) == taxonomy
    themes = next(t for t in taxonomies if t["name"] == "Teman")
    terms = _list(client, "taxonomy_terms", f"taxonomy_id={themes['id']}&per_page=100")
    codes = {term["code"] for term in terms["contents"]}
    assert "fibre-t" in codes and "advice-s" not in codes
    english = _get(client, f"{API}taxonomies", HTTP_ACCEPT_LANGUAGE="en")["contents"]
    assert {t["name"] for t in english} == {"Themes", "Kinds of support"}


def test_errors_are_problems_that_say_what_is_wrong(client, registry):
    for what in DETAIL:
        _problem(client, f"{API}{what}/00000000-0000-4000-8000-000000000000", 404)
        _problem(client, f"{API}{what}/not-a-uuid", 404)
    # An address that is none of the API's routes is a problem too, not the HTML 404 page.
    for unknown in ("services/", "service", "organizations/x/y", "nothing?page=2"):
        body = _problem(client, f"{API}{unknown}", 404)
        assert body["instance"] == f"{API}{unknown}"
    body = _problem(client, f"{API}services?modified_after=yesterday", 400)
    assert [item["name"] for item in body["invalid_params"]] == ["modified_after"]
    assert "modified_after" in body["detail"]
    body = _problem(client, f"{API}services?organization_id=42&taxonomy_term_id=x", 400)
    assert {item["name"] for item in body["invalid_params"]} == {
        "organization_id",
        "taxonomy_term_id",
    }
    # An unlisted partner's id is not found, like an id that never existed.
    hidden = Partner.objects.get(name="Dold Förening")
    _problem(client, f"{API}organizations/{hidden.uuid}", 404)


@pytest.mark.parametrize("what", ["services", "organizations"])
def test_a_list_and_a_detail_read_the_same_number_of_queries_however_many_partners(client, what):
    theme, support = ThemeFactory(), SupportKindFactory()

    def add(count: int) -> None:
        for _index in range(count):
            partner = PartnerFactory(listed_publicly=True, contacts=0)
            partner.themes.set([theme])
            partner.support_kinds.set([support])
            partner.municipalities.set([municipality("1880")])

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as listed:
            first = _list(client, what)["contents"][0]["id"]
        with CaptureQueriesContext(connection) as detail:
            _detail(client, what, first)
        return len(listed), len(detail)

    add(2)
    few = queries()
    add(12)
    assert queries() == few
