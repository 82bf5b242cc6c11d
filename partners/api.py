"""The Open Referral (HSDS 3.0) read API of the published registry, under /api/hsds/.

Thin: each operation reads through `selectors`, narrows by the query's filters (all of them
together, AND), pages the result as HSDS's Page object and maps it with `partners.hsds`.
Every error is an RFC 9457 problem (application/problem+json): 404 for an unknown id or a page
past the last, 400 for a filter or paging value that cannot be read.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from math import ceil
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import ValidationError
from pydantic import Field

from ideas.models import SupportKind, Theme
from partners import hsds, selectors
from partners.models import Partner

PROBLEM_CONTENT_TYPE = "application/problem+json"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


class HsdsApi(NinjaAPI):
    """django-ninja's API without its own root route: `GET /` is HSDS's API information."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        return [url for url in super()._get_urls() if getattr(url, "name", "") != "api-root"]

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return reverse(f"{self.urls_namespace}:root", kwargs=path_params)


api = HsdsApi(
    title="Idélotsen: the partner registry as Open Referral data (HSDS 3.0)",
    version=hsds.HSDS_VERSION,
    description=(
        "The partner organisations of the partnership for social innovations in Örebro County "
        "that agreed to be listed publicly, as Human Services Data Specification 3.0 data. "
        "No contact person is ever part of it."
    ),
    urls_namespace="hsds",
    openapi_url="/openapi.json",
    docs_url=None,
)


def problem(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path(),
        **extra,
    }
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def _not_found(request: HttpRequest, exc: Http404 | type[Http404]) -> HttpResponse:
    return problem(request, 404, str(exc) or _("Nothing is published at this address."))


def unknown_path(request: HttpRequest, url: str = "") -> HttpResponse:
    """Any address under the API that is none of its routes: a problem too, never the HTML 404
    page (a client asking for `/services/` with a slash, or `/service`, learns what is wrong)."""
    return problem(request, 404, _("Nothing is published at this address."))


def _bad_request(
    request: HttpRequest, exc: ValidationError | type[ValidationError]
) -> HttpResponse:
    errors = exc.errors if isinstance(exc, ValidationError) else []
    invalid = [
        {"name": str(error.get("loc", ["?"])[-1]), "reason": str(error.get("msg", ""))}
        for error in errors
    ]
    names = ", ".join(item["name"] for item in invalid)
    detail = _("These query parameters cannot be read: %(names)s.") % {"names": names}
    return problem(request, 400, detail, invalid_params=invalid)


class Problem(Schema):
    """An error as RFC 9457 describes it."""

    type: str = Field("about:blank", description="always about:blank: the status says it all")
    title: str = Field(description="the HTTP status phrase")
    status: int
    detail: str = Field(description="what is wrong, in the request's language")
    instance: str = Field(description="the path and query asked for")


def _problem_responses(*statuses: int) -> dict[str, Any]:
    """The operation's error responses for the OpenAPI document, as problem+json."""
    schema = Problem.model_json_schema()
    return {
        "responses": {
            str(status): {
                "description": HTTPStatus(status).phrase,
                "content": {PROBLEM_CONTENT_TYPE: {"schema": schema}},
            }
            for status in statuses
        }
    }


LIST_ERRORS = _problem_responses(400, 404)
DETAIL_ERRORS = _problem_responses(404)

api.add_exception_handler(Http404, _not_found)
api.add_exception_handler(ValidationError, _bad_request)


class Paging(Schema):
    page: int = Field(1, ge=1, description="The number of the page, from 1.")
    per_page: int = Field(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="How many items one page holds."
    )


class SearchQuery(Paging):
    search: str | None = Field(None, description="Text in the name or the description.")


class OrganizationQuery(SearchQuery):
    modified_after: datetime | None = Field(
        None, description="Only what changed at or after this time (ISO 8601; UTC if no zone)."
    )
    taxonomy_term_id: UUID | None = Field(
        None, description="Only organisations with this theme or kind of support."
    )


class ServiceQuery(OrganizationQuery):
    organization_id: UUID | None = Field(None, description="Only this organisation's services.")


class TermQuery(SearchQuery):
    taxonomy_id: UUID | None = Field(None, description="Only the terms of this taxonomy.")


Item = TypeVar("Item")


def paged(
    items: QuerySet[Any] | Sequence[Item], paging: Paging, convert: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page of `items` as HSDS's Page object; a page past the last is not found."""
    total = items.count() if isinstance(items, QuerySet) else len(items)
    total_pages = ceil(total / paging.per_page)
    if paging.page > max(total_pages, 1):
        raise Http404(
            _("There is no page %(page)s: there are %(pages)s.")
            % {"page": paging.page, "pages": total_pages}
        )
    start = (paging.page - 1) * paging.per_page
    contents = [convert(item) for item in items[start : start + paging.per_page]]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _term(value: UUID) -> Theme | SupportKind | None:
    term = hsds.term_by_id(value)
    return term if isinstance(term, Theme | SupportKind) else None


def _get_or_404(rows: QuerySet[Any], **lookup: Any) -> Any:
    row = rows.filter(**lookup).first()
    if row is None:
        raise Http404(_("Nothing is published with this id."))
    return row


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404(_("Nothing is published with this id.")) from None


@api.get("/", response=hsds.ApiInfo, url_name="root", summary="About this API")
def api_info(request: HttpRequest) -> dict[str, str]:
    return {
        "version": hsds.HSDS_VERSION,
        "profile": hsds.HSDS_PROFILE,
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
    }


@api.get(
    "/services",
    response=hsds.ServicePage,
    exclude_none=True,
    url_name="services",
    openapi_extra=LIST_ERRORS,
)
def services(request: HttpRequest, query: Query[ServiceQuery]) -> dict[str, Any]:
    rows = selectors.published_services()
    if query.search:
        rows = rows.filter(
            hsds.search_filter(query.search, prefix="partner__")
            | Q(supportkind__name_sv__icontains=query.search.strip()[:100])
            | Q(supportkind__name_en__icontains=query.search.strip()[:100])
        )
    if query.modified_after:
        rows = rows.filter(partner__updated_at__gte=_aware(query.modified_after))
    if query.organization_id:
        rows = rows.filter(partner__uuid=query.organization_id)
    if query.taxonomy_term_id:
        term = _term(query.taxonomy_term_id)
        if isinstance(term, SupportKind):
            rows = rows.filter(supportkind=term)
        else:
            themed = hsds.partners_with_term(Partner.objects.all(), term)
            rows = rows.filter(partner__in=themed)
    return paged(rows, query, lambda row: hsds.service_summary(row.partner, row.supportkind))


@api.get(
    "/services/{id}",
    response=hsds.Service,
    exclude_none=True,
    url_name="service",
    openapi_extra=DETAIL_ERRORS,
)
def service(request: HttpRequest, id: str) -> hsds.Service:
    wanted = _uuid_or_404(id)
    # A service is a partner's kind of support, so its id is derived, not stored: look among
    # the services of the published partners (a few hundred at most).
    for row in selectors.published_services():
        if hsds.service_id(row.partner, row.supportkind) == wanted:
            return hsds.service_to_hsds(row.partner, row.supportkind)
    raise Http404(_("Nothing is published with this id."))


def _organizations(query: OrganizationQuery) -> QuerySet[Partner]:
    partners = selectors.published_partners()
    if query.search:
        partners = partners.filter(hsds.search_filter(query.search))
    if query.modified_after:
        partners = partners.filter(updated_at__gte=_aware(query.modified_after))
    if query.taxonomy_term_id:
        partners = hsds.partners_with_term(partners, _term(query.taxonomy_term_id))
    return partners


@api.get(
    "/organizations",
    response=hsds.OrganizationPage,
    exclude_none=True,
    url_name="organizations",
    openapi_extra=LIST_ERRORS,
)
def organizations(request: HttpRequest, query: Query[OrganizationQuery]) -> dict[str, Any]:
    return paged(_organizations(query), query, hsds.organization_summary)


@api.get(
    "/organizations/{id}",
    response=hsds.Organization,
    exclude_none=True,
    url_name="organization",
    openapi_extra=DETAIL_ERRORS,
)
def organization(request: HttpRequest, id: str) -> hsds.Organization:
    partner = _get_or_404(selectors.published_partners(), uuid=_uuid_or_404(id))
    return hsds.organization_to_hsds(partner)


def _matches(text: str | None, *values: str) -> bool:
    wanted = (text or "").strip().casefold()
    return not wanted or any(wanted in value.casefold() for value in values)


@api.get(
    "/taxonomies",
    response=hsds.TaxonomyPage,
    exclude_none=True,
    url_name="taxonomies",
    openapi_extra=LIST_ERRORS,
)
def taxonomies(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    found = [
        taxonomy
        for taxonomy in map(hsds.taxonomy_to_hsds, hsds.TAXONOMY_KEYS)
        if _matches(query.search, taxonomy.name, taxonomy.description)
    ]
    return paged(found, query, lambda taxonomy: taxonomy)


@api.get(
    "/taxonomies/{id}",
    response=hsds.Taxonomy,
    exclude_none=True,
    url_name="taxonomy",
    openapi_extra=DETAIL_ERRORS,
)
def taxonomy(request: HttpRequest, id: str) -> hsds.Taxonomy:
    wanted = _uuid_or_404(id)
    for key in hsds.TAXONOMY_KEYS:
        if hsds.taxonomy_id(key) == wanted:
            return hsds.taxonomy_to_hsds(key)
    raise Http404(_("Nothing is published with this id."))


@api.get(
    "/taxonomy_terms",
    response=hsds.TaxonomyTermPage,
    exclude_none=True,
    url_name="taxonomy_terms",
    openapi_extra=LIST_ERRORS,
)
def taxonomy_terms(request: HttpRequest, query: Query[TermQuery]) -> dict[str, Any]:
    found = [
        term
        for term in map(hsds.term_to_hsds, hsds.vocabulary_terms())
        if (query.taxonomy_id is None or term.taxonomy_id == query.taxonomy_id)
        and _matches(query.search, term.code, term.name, term.description)
    ]
    return paged(found, query, lambda term: term)


@api.get(
    "/taxonomy_terms/{id}",
    response=hsds.TaxonomyTerm,
    exclude_none=True,
    url_name="taxonomy_term",
    openapi_extra=DETAIL_ERRORS,
)
def taxonomy_term(request: HttpRequest, id: str) -> hsds.TaxonomyTerm:
    term = hsds.term_by_id(_uuid_or_404(id))
    if term is None:
        raise Http404(_("Nothing is published with this id."))
    return hsds.term_to_hsds(term)
