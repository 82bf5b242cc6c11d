"""Fictional demo data: partners, accounts and ideas that show the whole flow on one machine."""
from itertools import cycle

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from ideas import workflow
from ideas.models import Idea, Municipality, SupportKind, Theme
from ideas.reference_data import MUNICIPALITIES, reference_data_load
from ideas.services import idea_submit, idea_transition
from partners.models import Partner, PartnerContact, PartnerKind
from portal.roles import Role

# (name, kind, civil society, municipality code or None for the whole county)
PARTNERS = [
    *[(f"{name} kommun, näringsliv och utveckling", PartnerKind.MUNICIPALITY, False, code)
      for code, name, _population in MUNICIPALITIES],
    ("Region Örebro län, regional utveckling", PartnerKind.REGION, False, None),
    ("Länsstyrelsen, landsbygdsenheten", PartnerKind.STATE_AGENCY, False, None),
    ("Universitetet i Örebro, samverkanskontoret", PartnerKind.UNIVERSITY, False, "1880"),
    ("Folkhögskolan i Bergslagen", PartnerKind.UNIVERSITY, True, "1885"),
    ("Kooperativ utveckling Örebro", PartnerKind.BUSINESS, True, None),
    ("Inkubatorn Mitt", PartnerKind.BUSINESS, False, "1880"),
    ("Sociala företag i länet", PartnerKind.BUSINESS, True, None),
    ("Hela länet ska leva", PartnerKind.ASSOCIATION, True, None),
    ("Bygdegårdarna i Örebro län", PartnerKind.ASSOCIATION, True, None),
    ("Studieförbundet Framtid", PartnerKind.ASSOCIATION, True, None),
    ("Studieförbundet Ljuset", PartnerKind.ASSOCIATION, True, "1883"),
    ("Föreningsrådet Kumla", PartnerKind.ASSOCIATION, True, "1881"),
    ("Idrottsalliansen Örebro län", PartnerKind.ASSOCIATION, True, None),
    ("Integrationsnätverket Välkommen", PartnerKind.ASSOCIATION, True, "1880"),
    ("Språkcafé Karlskoga", PartnerKind.ASSOCIATION, True, "1883"),
    ("Ungdomsrådet i länet", PartnerKind.ASSOCIATION, True, None),
    ("Pensionärernas samverkan", PartnerKind.ASSOCIATION, True, None),
    ("Kulturföreningen Scenen", PartnerKind.ASSOCIATION, True, "1884"),
    ("Naturskyddarna i Bergslagen", PartnerKind.ASSOCIATION, True, "1863"),
    ("Byalaget Ramsberg", PartnerKind.LOCAL_DEVELOPMENT_GROUP, True, "1885"),
    ("Utvecklingsgruppen Tiveden", PartnerKind.LOCAL_DEVELOPMENT_GROUP, True, "1860"),
    ("Bygdeutveckling Grythyttan", PartnerKind.LOCAL_DEVELOPMENT_GROUP, True, "1863"),
    ("Fiberföreningen Kopparberg", PartnerKind.LOCAL_DEVELOPMENT_GROUP, True, "1864"),
    ("Leader Bergslagen", PartnerKind.OTHER, True, None),
    ("Sparbanksstiftelsen i länet", PartnerKind.OTHER, False, None),
    ("Mötesplats Vretstorp", PartnerKind.LOCAL_DEVELOPMENT_GROUP, True, "1861"),
    ("Bygdens hus Fjugesta", PartnerKind.LOCAL_DEVELOPMENT_GROUP, True, "1814"),
    ("Hembygdsförbundet i länet", PartnerKind.ASSOCIATION, True, None),
]

DEMO_IDEAS = [
    ("Fiber till byarna runt Ramsberg", "1885", ["broadband", "rural-services"],
     workflow.Status.IN_REVIEW),
    ("Språkcafé i biblioteket", "1883", ["integration", "learning"], workflow.Status.RECEIVED),
    ("Bybuss till affären i Fjugesta", "1814", ["transport", "older-people"],
     workflow.Status.SCREENING),
    ("Ungdomsgård i gamla skolan", "1863", ["children-youth", "culture-leisure"],
     workflow.Status.RECEIVED),
    ("Gemensam solcellspark för bygden", "18", ["environment", "local-development"],
     workflow.Status.IN_REVIEW),
    ("Matkasse från lokala bönder", "1882", ["rural-services", "work-enterprise"],
     workflow.Status.RECEIVED),
]

ACCOUNTS = [
    ("samordnare", "Sara", "Samordnare", Role.COORDINATOR),
    ("ledamot1", "Lars", "Ledamot", Role.COMMITTEE_MEMBER),
    ("ledamot2", "Leila", "Ledamot", Role.COMMITTEE_MEMBER),
    ("ledamot3", "Lina", "Ledamot", Role.COMMITTEE_MEMBER),
    ("uppsok", "Ulf", "Uppsökare", Role.OUTREACH_STAFF),
    ("partner", "Petra", "Partner", Role.PARTNER_CONTACT),
]


def demo_partners_load() -> list[Partner]:
    """Create the 40 demo partners so that together they cover every theme, support and place."""
    themes = list(Theme.objects.order_by("order"))
    supports = list(SupportKind.objects.order_by("order"))
    by_code = {m.code: m for m in Municipality.objects.all()}
    theme_cycle, support_cycle = cycle(themes), cycle(supports)
    partners = []
    for index, (name, kind, civil, code) in enumerate(PARTNERS):
        partner, created = Partner.objects.get_or_create(
            slug=slugify(name)[:80],
            defaults={
                "name": name, "kind": kind, "is_civil_society": civil,
                "description": f"{name} stöder idéer från invånare och civilsamhälle.",
                "covers_whole_county": code is None or by_code[code].is_whole_county,
                "capacity": 3 + index % 5,
                "languages": "sv,en,ar" if "Integration" in name or "Språk" in name else "sv,en",
                "email": f"info@{slugify(name)[:30]}.example.org",
            },
        )
        if created:
            partner.themes.set([next(theme_cycle) for _ in range(3)])
            partner.support_kinds.set([next(support_cycle) for _ in range(2)])
            if code and not by_code[code].is_whole_county:
                partner.municipalities.set([by_code[code]])
            PartnerContact.objects.create(
                partner=partner, name=f"Kontakt {index + 1}",
                email=f"kontakt{index + 1}@partner.example.org", role="Idéansvarig",
            )
        partners.append(partner)
    return partners


def demo_accounts_load(password: str) -> list[tuple[str, str]]:
    """Create the demo accounts (or reset their passwords) and return (user name, role)."""
    User = get_user_model()
    rows = []
    for username, first, last, role in ACCOUNTS:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last,
                      "email": f"{username}@example.org"},
        )
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
        rows.append((username, str(role.value)))
    admin, _created = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@example.org"}
    )
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    rows.append(("admin", "superuser"))
    partner_user = User.objects.get(username="partner")
    contact = PartnerContact.objects.order_by("pk").filter(user__isnull=True).first()
    if contact and not PartnerContact.objects.filter(user=partner_user).exists():
        contact.user = partner_user
        contact.email = partner_user.email
        contact.save()
    return rows


PATHS = {
    workflow.Status.RECEIVED: [],
    workflow.Status.SCREENING: [workflow.Status.SCREENING],
    workflow.Status.IN_REVIEW: [workflow.Status.SCREENING, workflow.Status.IN_REVIEW],
}


def demo_ideas_load() -> int:
    """Submit the demo ideas once and walk each to its demo status; return how many were new."""
    coordinator = get_user_model().objects.get(username="samordnare")
    created = 0
    for index, (title, code, theme_slugs, status) in enumerate(DEMO_IDEAS):
        if Idea.objects.filter(title=title).exists():
            continue
        submitted = idea_submit(
            title=title,
            description=f"{title}. En demoidé som visar hur Idélotsen fungerar.",
            municipality=Municipality.objects.get(code=code),
            themes=list(Theme.objects.filter(slug__in=theme_slugs)),
            submitter_name=f"Demo Invånare {index + 1}",
            submitter_email=f"invanare{index + 1}@example.org",
            share_contact_with_partners=index % 2 == 0,
            is_rural=code != "1880",
        )
        for step in PATHS[status]:
            idea_transition(idea=submitted.idea, to=step, actor=coordinator,
                            actor_roles={Role.COORDINATOR}, note="")
        created += 1
    return created


@transaction.atomic
def demo_data_load(password: str) -> dict:
    reference_data_load()
    partners = demo_partners_load()
    accounts = demo_accounts_load(password)
    new_ideas = demo_ideas_load()
    return {"partners": len(partners), "accounts": accounts, "new_ideas": new_ideas}
