"""Reference data every installation needs: the county's municipalities, themes, kinds of support.

Loaded by a data migration and again (idempotently) by `seed_demo`; administrators edit it later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps as global_apps

from portal.roles import Role

if TYPE_CHECKING:
    from django.apps.registry import Apps

# Official municipality codes; populations are approximate (rounded) and editable in the admin.
MUNICIPALITIES = [
    ("1814", "Lekeberg", 8_600),
    ("1860", "Laxå", 5_600),
    ("1861", "Hallsberg", 16_300),
    ("1862", "Degerfors", 9_500),
    ("1863", "Hällefors", 6_700),
    ("1864", "Ljusnarsberg", 4_700),
    ("1880", "Örebro", 158_000),
    ("1881", "Kumla", 22_500),
    ("1882", "Askersund", 11_400),
    ("1883", "Karlskoga", 30_500),
    ("1884", "Nora", 10_700),
    ("1885", "Lindesberg", 23_600),
]
WHOLE_COUNTY = ("18", "Hela Örebro län")  # ideas.models.WHOLE_COUNTY_NAME; shown translated

THEMES = [
    ("broadband", "Fiber och bredband", "Fibre and broadband"),
    ("rural-services", "Service på landsbygden", "Services in the countryside"),
    ("local-development", "Lokal utveckling", "Local development"),
    ("integration", "Integration och inkludering", "Integration and inclusion"),
    ("culture-leisure", "Kultur och fritid", "Culture and leisure"),
    ("environment", "Miljö och klimat", "Environment and climate"),
    ("health", "Hälsa och omsorg", "Health and care"),
    ("children-youth", "Barn och unga", "Children and young people"),
    ("older-people", "Äldre", "Older people"),
    ("work-enterprise", "Arbete och företagande", "Work and enterprise"),
    ("transport", "Resor och transporter", "Travel and transport"),
    ("housing", "Boende", "Housing"),
    ("democracy", "Demokrati och delaktighet", "Democracy and participation"),
    ("learning", "Lärande och bildning", "Learning and education"),
]

SUPPORT_KINDS = [
    ("advice", "Råd och coachning", "Advice and coaching"),
    ("funding", "Finansiering och bidrag", "Funding and grants"),
    ("premises", "Lokaler", "Premises"),
    ("network", "Nätverk och kontakter", "Network and contacts"),
    ("competence", "Kompetens och utbildning", "Competence and training"),
    ("incubation", "Inkubation och affärsutveckling", "Incubation and business development"),
    ("volunteers", "Volontärer", "Volunteers"),
    ("communication", "Kommunikation och spridning", "Communication and reach"),
    ("public-dialogue", "Dialog med offentlig sektor", "Dialogue with the public sector"),
]

ROLE_GROUPS = [role.value for role in Role]


def reference_data_load(apps: Apps = global_apps) -> None:
    """Create or update the reference rows; safe to run any number of times."""
    Municipality = apps.get_model("ideas", "Municipality")
    Theme = apps.get_model("ideas", "Theme")
    SupportKind = apps.get_model("ideas", "SupportKind")
    Group = apps.get_model("auth", "Group")
    for code, name, population in MUNICIPALITIES:
        Municipality.objects.update_or_create(
            code=code, defaults={"name": name, "population": population}
        )
    Municipality.objects.update_or_create(
        code=WHOLE_COUNTY[0], defaults={"name": WHOLE_COUNTY[1], "is_whole_county": True}
    )
    for model, rows in ((Theme, THEMES), (SupportKind, SUPPORT_KINDS)):
        for order, (slug, name_sv, name_en) in enumerate(rows):
            model.objects.get_or_create(
                slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "order": order}
            )
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    if any(field.name == "name_ar" for field in Theme._meta.fields):
        vocabulary_ar_load(apps)


def vocabulary_ar_load(apps: Apps = global_apps) -> None:
    """Give themes and kinds of support their Arabic names where they have none yet."""
    from ideas.vocabulary_ar import SUPPORT_KINDS_AR, THEMES_AR

    for label, names in (("Theme", THEMES_AR), ("SupportKind", SUPPORT_KINDS_AR)):
        model = apps.get_model("ideas", label)
        for slug, name in names.items():
            model.objects.filter(slug=slug, name_ar="").update(name_ar=name)
