"""The public map's figures as open data: CSV and JSON at stable addresses, and a DCAT-AP-SE
catalogue (JSON-LD) that Sveriges dataportal can harvest (issue 19).

The data are the public page's own figures (`public_figures.needs_figures`), one calendar year
at a time, with the same protection: a count under 3 is published as "fewer than 3", and a
count that would let a reader work one out is "not shown". Whole calendar years, never a
chosen period, so that two downloads cannot be subtracted from each other (the known limit of
the page's free periods). Nothing here names a person; titles are not part of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation

from ideas.models import Idea
from portal.branding import branding
from triage.insights.public_figures import NeedsFigures, PublicPeriod, needs_figures_kept
from triage.insights.suppression import Figure

# The licences an operator may choose (setting OPEN_DATA_LICENCE), with their canonical URIs.
LICENCES = {
    "CC0-1.0": "http://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-4.0": "http://creativecommons.org/licenses/by/4.0/",
}
# Columns of the CSV, in order; the data card (templates/triage/open_data.html) defines each.
COLUMNS = ["year", "table", "key", "label", "ideas", "note"]
TABLES = ("total", "municipality", "theme", "area", "outcome")
FEWER_THAN_3 = "fewer_than_3"
NOT_SHOWN = "not_shown"
# EU vocabularies DCAT-AP-SE uses (publications.europa.eu authority tables).
EU = "http://publications.europa.eu/resource/authority/"
UPDATED = EU + "frequency/UPDATE_CONT"  # recomputed as ideas come in
DATA_THEME = EU + "data-theme/SOCI"  # population and society
ORERO_COUNTY = "https://www.geonames.org/3337386"  # Örebro län


# The files of the dataset: URL name, media type, EU file type, titles in Swedish and English.
DISTRIBUTIONS = (
    ("open_data_csv_public", "text/csv", "CSV", "Idéer per år (CSV)", "Ideas per year (CSV)"),
    ("open_data_json", "application/json", "JSON", "Idéer per år (JSON)", "Ideas per year (JSON)"),
)


@register()
def check_open_data_licence(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """The open data must say under which licence they are published."""
    if settings.OPEN_DATA_LICENCE in LICENCES:
        return []
    return [
        Error(
            f"OPEN_DATA_LICENCE={settings.OPEN_DATA_LICENCE!r} is not a licence the open data "
            "can be published under.",
            hint=f"Set it to one of {', '.join(LICENCES)}.",
            id="triage.E001",
        )
    ]


@dataclass(frozen=True)
class OpenDataRow:
    year: int
    table: str
    key: str
    label: str
    ideas: int | None
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in COLUMNS}


def _note(figure: Figure) -> str:
    if figure.shown:
        return ""
    return FEWER_THAN_3 if figure.small else NOT_SHOWN


def _year_rows(year: int, figures: NeedsFigures) -> list[OpenDataRow]:
    def row(table: str, key: str, label: str, figure: Figure) -> OpenDataRow:
        return OpenDataRow(year, table, key, label, figure.published, _note(figure))

    rows = [row("total", "all", "Alla idéer", figures.total)]
    rows += [
        row("municipality", p.code, p.name.replace("\u00ad", ""), p.figure) for p in figures.places
    ]
    rows += [row("theme", line.key, line.label, line.figure) for line in figures.themes]
    rows += [row("area", line.key, line.label, line.figure) for line in figures.rural]
    rows += [row("outcome", line.key, line.label, line.figure) for line in figures.outcomes]
    return rows


def open_data_years(today: date | None = None) -> list[int]:
    """Every calendar year with ideas in it, up to this one."""
    today = today or timezone.localdate()
    first = Idea.objects.aggregate(first=Min("created_at"))["first"]
    start = timezone.localtime(first).year if first else today.year
    return list(range(start, today.year + 1))


def open_data_rows(today: date | None = None) -> list[OpenDataRow]:
    """The published figures of every year, labels in Swedish (the data's language)."""
    rows: list[OpenDataRow] = []
    with translation.override("sv"):
        for year in open_data_years(today):
            period = PublicPeriod("year", date(year, 1, 1), date(year, 12, 31))
            rows += _year_rows(year, needs_figures_kept(period, "sv"))
    return rows


def licence_uri() -> str:
    return LICENCES[settings.OPEN_DATA_LICENCE]


def dcat_catalogue() -> dict[str, Any]:
    """The catalogue of the one dataset, as DCAT-AP-SE JSON-LD."""
    site = settings.SITE_URL
    brand = branding()
    card = site + reverse("open_data")
    publisher = {
        "@type": "foaf:Agent",
        "foaf:name": brand.host,
    }
    contact = {
        "@type": "vcard:Organization",
        "vcard:fn": brand.name,
        "vcard:hasEmail": f"mailto:{brand.email}",
    }
    years = open_data_years()
    distributions = [
        {
            "@id": site + reverse(name),
            "@type": "dcat:Distribution",
            "dcterms:title": [
                {"@language": "sv", "@value": title_sv},
                {"@language": "en", "@value": title_en},
            ],
            "dcat:accessURL": {"@id": card},
            "dcat:downloadURL": {"@id": site + reverse(name)},
            "dcat:mediaType": {"@id": f"http://www.iana.org/assignments/media-types/{media}"},
            "dcterms:format": {"@id": EU + f"file-type/{file_type}"},
            "dcterms:license": {"@id": licence_uri()},
        }
        for name, media, file_type, title_sv, title_en in (
            (
                "open_data_csv_public",
                "text/csv",
                "CSV",
                "Idéer per år (CSV)",
                "Ideas per year (CSV)",
            ),
            (
                "open_data_json",
                "application/json",
                "JSON",
                "Idéer per år (JSON)",
                "Ideas per year (JSON)",
            ),
        )
    ]
    dataset = {
        "@id": card + "#dataset",
        "@type": "dcat:Dataset",
        "dcterms:title": [
            {"@language": "sv", "@value": "Idéer från invånare i Örebro län"},
            {"@language": "en", "@value": "Ideas from residents of Örebro County"},
        ],
        "dcterms:description": [
            {
                "@language": "sv",
                "@value": (
                    "Antal idéer som invånare och föreningar har skickat till Idélotsen, per år: "
                    "per kommun, tema, landsbygd eller tätort och vad som blev av dem. Antal "
                    "under 3 visas inte."
                ),
            },
            {
                "@language": "en",
                "@value": (
                    "How many ideas residents and associations sent to Idélotsen, per year: by "
                    "municipality, theme, rural or urban area and what came of them. Counts "
                    "under 3 are not shown."
                ),
            },
        ],
        "dcterms:publisher": publisher,
        "dcat:contactPoint": contact,
        "dcat:theme": {"@id": DATA_THEME},
        "dcat:keyword": [
            {"@language": "sv", "@value": "social innovation"},
            {"@language": "sv", "@value": "landsbygd"},
            {"@language": "sv", "@value": "medborgardialog"},
        ],
        "dcterms:spatial": {"@id": ORERO_COUNTY},
        "dcterms:temporal": {
            "@type": "dcterms:PeriodOfTime",
            "dcat:startDate": {"@type": "xsd:date", "@value": f"{years[0]}-01-01"},
        },
        "dcterms:accrualPeriodicity": {"@id": UPDATED},
        "dcterms:license": {"@id": licence_uri()},
        "dcat:landingPage": {"@id": card},
        "dcat:distribution": distributions,
    }
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dcterms": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": site + reverse("open_data_catalogue"),
        "@type": "dcat:Catalog",
        "dcterms:title": [
            {"@language": "sv", "@value": f"Öppna data från {brand.name}"},
            {"@language": "en", "@value": "Open data from Idélotsen"},
        ],
        "dcterms:description": [
            {"@language": "sv", "@value": "Idélotsens öppna data om idéer i Örebro län."},
            {"@language": "en", "@value": "Idélotsen's open data on ideas in Örebro County."},
        ],
        "dcterms:publisher": publisher,
        "dcterms:license": {"@id": licence_uri()},
        "foaf:homepage": {"@id": site + "/"},
        "dcat:dataset": [dataset],
    }
