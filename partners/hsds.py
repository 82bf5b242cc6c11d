"""The published part of the registry as Open Referral (HSDS 3.0) data.

The mapping: a partner is an `organization`, with one `service` for each kind of support it
offers; themes and kinds of support are two taxonomies, linked to each service as `attributes`;
the municipalities a partner covers (or the whole county) are each service's `service_areas`,
with the municipality code (kommunkod, or the county's code 18) as the extent. Only the
partners that agreed to be listed publicly and are active appear (`selectors.published_partners`),
and only the organisation's own role addresses (its public email, phone and website): contact
persons are never part of this data.

Ids are UUIDs that never change: a partner's own random `uuid`, and for everything derived from
it a UUID5 of that (a service is the partner's id with the kind of support), so none can be
found by counting. Taxonomies and terms are the shared vocabulary, named from a fixed namespace.
Names follow the request's language (Swedish, or English); a term says which in `language`.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from uuid import UUID, uuid5

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from ideas.models import Municipality, SupportKind, Theme, Vocabulary
from partners.models import Partner

HSDS_VERSION = "3.0"
# Where the HSDS 3.0 specification is described; this API uses no profile of its own.
HSDS_PROFILE = "https://docs.openreferral.org/en/3.0/"

# The namespace of the ids of the shared vocabulary (fixed once: changing it changes every id).
VOCABULARY_NAMESPACE = UUID("cc35df5b-5e09-4361-89c5-3f4d0a23a497")
THEMES = "themes"
SUPPORT_KINDS = "support-kinds"
TAXONOMY_KEYS = (THEMES, SUPPORT_KINDS)


# The HSDS objects, with the fields this registry fills; absent fields are left out (None).


class Taxonomy(Schema):
    id: UUID
    name: str
    description: str
    version: str | None = None


class TaxonomyTerm(Schema):
    id: UUID
    code: str
    name: str
    description: str
    taxonomy: str
    taxonomy_id: UUID
    language: str


class Attribute(Schema):
    id: UUID
    link_id: UUID
    link_type: str
    link_entity: str
    taxonomy_term_id: UUID
    taxonomy_term: TaxonomyTerm


class ServiceArea(Schema):
    id: UUID
    service_id: UUID
    name: str
    description: str
    extent: str
    extent_type: str


class Language(Schema):
    id: UUID
    service_id: UUID
    code: str


class Phone(Schema):
    id: UUID
    organization_id: UUID | None = None
    service_id: UUID | None = None
    number: str


class ServiceSummary(Schema):
    """A service as a list shows it (HSDS's service_list: no nested arrays)."""

    id: UUID
    organization_id: UUID
    name: str
    description: str
    url: str | None = None
    email: str | None = None
    status: str
    # When the partner last confirmed its entry ("last confirmed"), as a date.
    assured_date: date
    last_modified: datetime


class Service(ServiceSummary):
    """A service with everything related to it (HSDS's compiled service)."""

    service_areas: list[ServiceArea]
    attributes: list[Attribute]
    languages: list[Language]
    phones: list[Phone]


class OrganizationSummary(Schema):
    id: UUID
    name: str
    description: str
    email: str | None = None
    website: str | None = None


class Organization(OrganizationSummary):
    phones: list[Phone]
    services: list[Service]


class ApiInfo(Schema):
    version: str
    profile: str
    openapi_url: str


class Page(Schema):
    """HSDS's Page object: where a page lies in the whole list."""

    total_items: int
    total_pages: int
    page_number: int
    size: int = Field(description="The number of entities in this page.")
    first_page: bool
    last_page: bool
    empty: bool


class ServicePage(Page):
    contents: list[ServiceSummary]


class OrganizationPage(Page):
    contents: list[OrganizationSummary]


class TaxonomyPage(Page):
    contents: list[Taxonomy]


class TaxonomyTermPage(Page):
    contents: list[TaxonomyTerm]


# Ids.


def taxonomy_id(key: str) -> UUID:
    return uuid5(VOCABULARY_NAMESPACE, f"taxonomy:{key}")


def term_id(term: Vocabulary) -> UUID:
    key = THEMES if isinstance(term, Theme) else SUPPORT_KINDS
    return uuid5(VOCABULARY_NAMESPACE, f"{key}:{term.slug}")


def service_id(partner: Partner, support: SupportKind) -> UUID:
    return uuid5(partner.uuid, f"service:{support.slug}")


def _derived_id(parent: UUID, what: str) -> UUID:
    return uuid5(parent, what)


# The vocabulary.


def taxonomy_name(key: str) -> str:
    return _("Themes") if key == THEMES else _("Kinds of support")


def taxonomy_to_hsds(key: str) -> Taxonomy:
    descriptions = {
        THEMES: _("What an idea or a partner's work is about, as Idélotsen names it."),
        SUPPORT_KINDS: _("The kinds of support a partner organisation offers to ideas."),
    }
    return Taxonomy(id=taxonomy_id(key), name=taxonomy_name(key), description=descriptions[key])


def term_to_hsds(term: Vocabulary) -> TaxonomyTerm:
    key = THEMES if isinstance(term, Theme) else SUPPORT_KINDS
    return TaxonomyTerm(
        id=term_id(term),
        code=term.slug,
        name=term.name,
        # Both names, so that a reader of either language finds the term.
        description=f"{term.name_sv} / {term.name_en}",
        taxonomy=taxonomy_name(key),
        taxonomy_id=taxonomy_id(key),
        language="en" if (translation.get_language() or "sv").startswith("en") else "sv",
    )


def vocabulary_terms() -> list[Vocabulary]:
    """Every term of both taxonomies, themes first, each in its own order."""
    return [*Theme.objects.order_by("order", "name_sv"), *SupportKind.objects.order_by("order")]


def term_by_id(value: UUID) -> Vocabulary | None:
    """The theme or kind of support whose HSDS id is `value`, or None."""
    return next((term for term in vocabulary_terms() if term_id(term) == value), None)


# Partners.


def _areas(partner: Partner, service: UUID) -> list[ServiceArea]:
    if partner.covers_whole_county:
        places: Iterable[Municipality] = [
            Municipality(code="18", name=str(_("Whole Örebro County")), is_whole_county=True)
        ]
    else:
        places = partner.municipalities.all()
    return [
        ServiceArea(
            id=_derived_id(service, f"area:{place.code}"),
            service_id=service,
            name=str(place),
            description=(
                _("County code %(code)s")
                if place.is_whole_county
                else _("Municipality code %(code)s")
            )
            % {"code": place.code},
            extent=place.code,
            extent_type="text",
        )
        for place in places
    ]


def _service_fields(partner: Partner, support: SupportKind) -> dict[str, object]:
    return {
        "id": service_id(partner, support),
        "organization_id": partner.uuid,
        "name": f"{support.name} – {partner.name}",
        "description": partner.description or partner.name,
        "url": partner.website or None,
        "email": partner.email or None,
        "status": "active",
        "assured_date": timezone.localtime(partner.confirmed_at).date(),
        "last_modified": partner.updated_at,
    }


def service_summary(partner: Partner, support: SupportKind) -> ServiceSummary:
    return ServiceSummary.model_validate(_service_fields(partner, support))


def service_to_hsds(partner: Partner, support: SupportKind) -> Service:
    """One kind of support a partner offers, with its areas, themes, languages and phone."""
    service = service_id(partner, support)
    terms: Sequence[Vocabulary] = [*partner.themes.all(), support]
    return Service.model_validate(
        {
            **_service_fields(partner, support),
            "service_areas": _areas(partner, service),
            "attributes": [
                Attribute(
                    id=_derived_id(service, f"attribute:{term_id(term)}"),
                    link_id=service,
                    link_type="service",
                    link_entity="service",
                    taxonomy_term_id=term_id(term),
                    taxonomy_term=term_to_hsds(term),
                )
                for term in terms
            ],
            "languages": [
                Language(id=_derived_id(service, f"language:{code}"), service_id=service, code=code)
                for code in partner.languages
            ],
            "phones": (
                [Phone(id=_derived_id(service, "phone"), service_id=service, number=partner.phone)]
                if partner.phone
                else []
            ),
        }
    )


def organization_summary(partner: Partner) -> OrganizationSummary:
    return OrganizationSummary(
        id=partner.uuid,
        name=partner.name,
        description=partner.description or partner.name,
        email=partner.email or None,
        website=partner.website or None,
    )


def organization_to_hsds(partner: Partner) -> Organization:
    summary = organization_summary(partner)
    return Organization(
        **summary.model_dump(),
        phones=(
            [
                Phone(
                    id=_derived_id(partner.uuid, "phone"),
                    organization_id=partner.uuid,
                    number=partner.phone,
                )
            ]
            if partner.phone
            else []
        ),
        services=[service_to_hsds(partner, support) for support in partner.support_kinds.all()],
    )


# Filters, each narrowing a query of published partners or of their services (AND).


def search_filter(text: str, *, prefix: str = "") -> Q:
    text = text.strip()[:100]
    return Q(**{f"{prefix}name__icontains": text}) | Q(**{f"{prefix}description__icontains": text})


def partners_with_term(partners: QuerySet[Partner], term: Vocabulary | None) -> QuerySet[Partner]:
    if term is None:
        return partners.none()
    field = "themes" if isinstance(term, Theme) else "support_kinds"
    # A subquery, not a join, so that no partner appears twice.
    return partners.filter(pk__in=Partner.objects.filter(**{field: term}).values("pk"))
