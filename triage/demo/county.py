"""Fictional demo ideas from all over the county, so that the public map of the county's needs
(`needs/`) has something to show: some municipalities with many ideas, some with few (shown as
"fewer than 3"), sent over the past year, some listed by title with their owners' yes.

Written down at county meetings: the residents left a name and no address, so no mail goes out.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from ideas import workflow
from ideas.models import Channel, Idea, Municipality, Theme
from ideas.services import idea_submit, idea_transition
from partners.models import Partner
from triage.referrals.services import idea_refer

S = workflow.Status
# title, municipality code, themes, rural, may be listed publicly, status, days ago
COUNTY_IDEAS = [
    ("Fibernät till Glanshammar", "1880", ["broadband"], True, True, S.IN_REVIEW, 20),
    (
        "Läxhjälp på biblioteket i Vivalla",
        "1880",
        ["learning", "integration"],
        False,
        True,
        S.RECEIVED,
        5,
    ),
    ("Stadsodling på taken i Brickebacken", "1880", ["environment"], False, False, S.SCREENING, 60),
    ("Träffpunkt för äldre i Adolfsberg", "1880", ["older-people"], False, True, S.REFERRED, 120),
    (
        "Cykelkök för unga i Baronbackarna",
        "1880",
        ["children-youth"],
        False,
        False,
        S.RECEIVED,
        200,
    ),
    ("Mötesplats för nyanlända i Varberga", "1880", ["integration"], False, False, S.DECLINED, 260),
    ("Bybuss mellan Ekeby och Örebro", "1880", ["transport"], True, False, S.SCREENING, 300),
    ("Kajakuthyrning vid Möckeln", "1883", ["culture-leisure"], False, True, S.RECEIVED, 15),
    ("Språkvänner i Karlskoga", "1883", ["integration"], False, False, S.IN_REVIEW, 45),
    ("Ungas eget kafé i Bofors", "1883", ["children-youth"], False, False, S.RECEIVED, 90),
    ("Reparationskafé i centrum", "1883", ["environment"], False, True, S.REFERRED, 150),
    (
        "Samåkning till jobbet från Granbergsdal",
        "1883",
        ["transport"],
        True,
        False,
        S.SCREENING,
        240,
    ),
    ("Servicepunkt i Frövi", "1885", ["rural-services"], True, True, S.IN_REVIEW, 30),
    ("Fiber till Guldsmedshyttan", "1885", ["broadband"], True, False, S.RECEIVED, 75),
    (
        "Bygdegård som coworking i Fellingsbro",
        "1885",
        ["work-enterprise"],
        True,
        False,
        S.REFERRED,
        130,
    ),
    (
        "Matkasse från Bergslagens gårdar",
        "1863",
        ["rural-services", "work-enterprise"],
        True,
        True,
        S.RECEIVED,
        10,
    ),
    ("Vandringsled runt Grythyttan", "1863", ["culture-leisure"], True, False, S.SCREENING, 180),
    ("Hyrcyklar i Kopparberg", "1864", ["transport"], True, True, S.RECEIVED, 25),
    ("Bredband till Ställdalen", "1864", ["broadband"], True, False, S.IN_REVIEW, 100),
    (
        "Mötesplats i Ställdalens gamla station",
        "1864",
        ["local-development"],
        True,
        False,
        S.RECEIVED,
        210,
    ),
    (
        "Hantverksmarknad i Nora",
        "1884",
        ["culture-leisure", "work-enterprise"],
        False,
        True,
        S.RECEIVED,
        40,
    ),
    (
        "Läsecirklar för seniorer i Gyttorp",
        "1884",
        ["older-people", "learning"],
        True,
        False,
        S.SCREENING,
        160,
    ),
    ("Bussförbindelse till Pershyttan", "1884", ["transport"], True, False, S.DECLINED, 280),
    ("Simskola för vuxna i Kumla", "1881", ["health", "integration"], False, True, S.IN_REVIEW, 35),
    ("Pumptrack i Hällabrottet", "1881", ["children-youth"], False, False, S.RECEIVED, 110),
    ("Hälsopromenader i Kumlaby", "1881", ["health"], False, False, S.RECEIVED, 190),
    (
        "Laddplatser vid Vretstorps skola",
        "1861",
        ["transport", "environment"],
        True,
        False,
        S.RECEIVED,
        55,
    ),
    (
        "Ungdomsråd i Hallsberg",
        "1861",
        ["democracy", "children-youth"],
        False,
        True,
        S.SCREENING,
        140,
    ),
    ("Föreningshus i Pålsboda", "1861", ["local-development"], True, False, S.RECEIVED, 230),
    ("Båtbuss över Vättern", "1882", ["transport"], True, False, S.RECEIVED, 70),
    ("Bygdens kök i Laxå", "1860", ["rural-services"], True, False, S.RECEIVED, 95),
    (
        "Integrationsfotboll i Degerfors",
        "1862",
        ["integration", "culture-leisure"],
        False,
        True,
        S.IN_REVIEW,
        50,
    ),
]
PATHS = {
    S.RECEIVED: [],
    S.SCREENING: [S.SCREENING],
    S.IN_REVIEW: [S.SCREENING, S.IN_REVIEW],
    S.DECLINED: [S.SCREENING, S.DECLINED],
    S.REFERRED: [S.SCREENING, S.IN_REVIEW],
}


def demo_county_ideas_load() -> int:
    """Write the county's demo ideas down once, walk each to its status; return how many."""
    coordinator = get_user_model().objects.get(username="samordnare")
    created = 0
    for index, (title, code, slugs, rural, listed, status, days_ago) in enumerate(COUNTY_IDEAS):
        if Idea.objects.filter(title=title).exists():
            continue
        municipality = Municipality.objects.get(code=code)
        idea = idea_submit(
            title=title,
            description=f"{title}: en idé som skrevs ned tillsammans med invånare på ett länsmöte.",
            municipality=municipality,
            themes=list(Theme.objects.filter(slug__in=slugs)),
            is_rural=rural,
            public_listing=listed,
            submitter_name=f"Demo Länsbo {index + 1}",
        ).idea
        # Sent over the past year, so that the periods differ.
        Idea.objects.filter(pk=idea.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago), channel=Channel.COUNTY_MEETING
        )
        for step in PATHS[status]:
            reason = "Idén ligger utanför det partnerskapet stödjer." if step == S.DECLINED else ""
            idea_transition(idea=idea, to=step, actor=coordinator, message_to_owner=reason)
        if status == S.REFERRED:
            partner = Partner.objects.filter(municipalities=municipality, is_active=True).first()
            if partner is not None:
                idea_refer(
                    idea=idea,
                    partners=[partner],
                    actor=coordinator,
                    note_to_partners="En idé från länsmötet i er kommun.",
                )
        created += 1
    return created
