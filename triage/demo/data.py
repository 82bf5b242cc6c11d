"""Fictional demo data: partners, accounts and ideas that show the whole flow on one machine.

Apart from the business code; `manage.py seed_demo` (triage's management command) loads it.
"""

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ideas import questions, workflow
from ideas.models import (
    CallForIdeas,
    EventKind,
    Idea,
    Municipality,
    QuestionKind,
    SupportKind,
    Theme,
)
from ideas.reference_data import MUNICIPALITIES, reference_data_load
from ideas.services import (
    idea_answer_question,
    idea_ask_question,
    idea_submit,
    idea_transition,
    outreach_event_create,
)
from partners.entries import entry_edit_save
from partners.invitations import invitation_send
from partners.models import ChangeSource, Partner, PartnerContact, PartnerKind
from portal.roles import Role
from triage.demo.county import demo_county_ideas_load
from triage.models import AnswerKind, Criterion, Membership, Recommendation
from triage.referrals.answers import referral_answer
from triage.referrals.services import idea_refer
from triage.review import meetings
from triage.review.message_templates import MessageTemplate, TemplateKind
from triage.review.services import review_save, reviewers_assign

# (name, kind, civil society, municipality codes or None for the whole county, themes, support)
COUNCIL_THEMES = ("broadband", "rural-services", "local-development", "work-enterprise")
COUNCIL_SUPPORT = ("advice", "public-dialogue")
PARTNERS = [
    *[
        (
            f"{name} kommun, näringsliv och utveckling",
            PartnerKind.MUNICIPALITY,
            False,
            (code,),
            COUNCIL_THEMES,
            COUNCIL_SUPPORT,
        )
        for code, name, _population in MUNICIPALITIES
    ],
    (
        "Region Örebro län, regional utveckling",
        PartnerKind.REGION,
        False,
        None,
        ("broadband", "local-development", "health"),
        ("funding", "network"),
    ),
    (
        "Länsstyrelsen, landsbygdsenheten",
        PartnerKind.STATE_AGENCY,
        False,
        None,
        ("rural-services", "broadband", "environment"),
        ("funding", "advice"),
    ),
    (
        "Universitetet i Örebro, samverkanskontoret",
        PartnerKind.UNIVERSITY,
        False,
        ("1880",),
        ("learning", "health", "work-enterprise"),
        ("competence", "network"),
    ),
    (
        "Folkhögskolan i Bergslagen",
        PartnerKind.UNIVERSITY,
        True,
        ("1885",),
        ("learning", "integration", "culture-leisure"),
        ("competence", "premises"),
    ),
    (
        "Kooperativ utveckling Örebro",
        PartnerKind.BUSINESS,
        True,
        None,
        ("work-enterprise", "local-development", "environment"),
        ("advice", "incubation"),
    ),
    (
        "Inkubatorn Mitt",
        PartnerKind.BUSINESS,
        False,
        ("1880",),
        ("work-enterprise", "environment"),
        ("incubation", "advice"),
    ),
    (
        "Sociala företag i länet",
        PartnerKind.BUSINESS,
        True,
        None,
        ("work-enterprise", "integration", "health"),
        ("advice", "network"),
    ),
    (
        "Hela länet ska leva",
        PartnerKind.ASSOCIATION,
        True,
        None,
        ("rural-services", "local-development", "democracy"),
        ("network", "public-dialogue"),
    ),
    (
        "Bygdegårdarna i Örebro län",
        PartnerKind.ASSOCIATION,
        True,
        None,
        ("culture-leisure", "local-development", "rural-services"),
        ("premises", "network"),
    ),
    (
        "Studieförbundet Framtid",
        PartnerKind.ASSOCIATION,
        True,
        None,
        ("learning", "democracy", "integration"),
        ("competence", "premises"),
    ),
    (
        "Studieförbundet Ljuset",
        PartnerKind.ASSOCIATION,
        True,
        ("1883",),
        ("learning", "culture-leisure"),
        ("competence", "premises"),
    ),
    (
        "Föreningsrådet Kumla",
        PartnerKind.ASSOCIATION,
        True,
        ("1881",),
        ("culture-leisure", "democracy", "children-youth"),
        ("network", "volunteers"),
    ),
    (
        "Idrottsalliansen Örebro län",
        PartnerKind.ASSOCIATION,
        True,
        None,
        ("culture-leisure", "children-youth", "health"),
        ("volunteers", "network"),
    ),
    (
        "Integrationsnätverket Välkommen",
        PartnerKind.ASSOCIATION,
        True,
        ("1880",),
        ("integration", "learning"),
        ("volunteers", "network"),
    ),
    (
        "Språkcafé Karlskoga",
        PartnerKind.ASSOCIATION,
        True,
        ("1883",),
        ("integration", "learning"),
        ("volunteers", "premises"),
    ),
    (
        "Ungdomsrådet i länet",
        PartnerKind.ASSOCIATION,
        True,
        None,
        ("children-youth", "democracy"),
        ("network", "communication"),
    ),
    (
        "Pensionärernas samverkan",
        PartnerKind.ASSOCIATION,
        True,
        None,
        ("older-people", "health", "transport"),
        ("volunteers", "public-dialogue"),
    ),
    (
        "Kulturföreningen Scenen",
        PartnerKind.ASSOCIATION,
        True,
        ("1884",),
        ("culture-leisure", "children-youth"),
        ("premises", "communication"),
    ),
    (
        "Naturskyddarna i Bergslagen",
        PartnerKind.ASSOCIATION,
        True,
        ("1863", "1864", "1884", "1885"),
        ("environment",),
        ("volunteers", "communication"),
    ),
    (
        "Byalaget Ramsberg",
        PartnerKind.LOCAL_DEVELOPMENT_GROUP,
        True,
        ("1885",),
        ("rural-services", "local-development", "broadband"),
        ("volunteers", "network"),
    ),
    (
        "Utvecklingsgruppen Tiveden",
        PartnerKind.LOCAL_DEVELOPMENT_GROUP,
        True,
        ("1860", "1882"),
        ("local-development", "rural-services", "environment"),
        ("volunteers", "network"),
    ),
    (
        "Bygdeutveckling Grythyttan",
        PartnerKind.LOCAL_DEVELOPMENT_GROUP,
        True,
        ("1863",),
        ("local-development", "rural-services", "children-youth"),
        ("volunteers", "premises"),
    ),
    # Kopparberg is in Ljusnarsberg; the fibre association advises the villages across the
    # border in Lindesberg too (Ramsberg, Guldsmedshyttan).
    (
        "Fiberföreningen Kopparberg",
        PartnerKind.LOCAL_DEVELOPMENT_GROUP,
        True,
        ("1864", "1885"),
        ("broadband", "local-development"),
        ("advice", "competence"),
    ),
    # Leader Bergslagen works in the Bergslagen municipalities, not the whole county.
    (
        "Leader Bergslagen",
        PartnerKind.OTHER,
        True,
        ("1862", "1863", "1864", "1883", "1884", "1885"),
        ("local-development", "rural-services", "broadband"),
        ("funding", "advice"),
    ),
    (
        "Sparbanksstiftelsen i länet",
        PartnerKind.OTHER,
        False,
        None,
        ("local-development", "culture-leisure", "children-youth"),
        ("funding",),
    ),
    (
        "Mötesplats Vretstorp",
        PartnerKind.LOCAL_DEVELOPMENT_GROUP,
        True,
        ("1861",),
        ("local-development", "integration"),
        ("premises", "volunteers"),
    ),
    (
        "Bygdens hus Fjugesta",
        PartnerKind.LOCAL_DEVELOPMENT_GROUP,
        True,
        ("1814",),
        ("local-development", "older-people", "transport"),
        ("premises", "volunteers"),
    ),
    (
        "Hembygdsförbundet i länet",
        PartnerKind.ASSOCIATION,
        True,
        None,
        ("culture-leisure", "housing", "local-development"),
        ("network", "volunteers"),
    ),
]

# title, municipality code, themes, status, place, the need, the idea, who benefits
DEMO_IDEAS = [
    (
        "Fiber till byarna runt Ramsberg",
        "1885",
        ["broadband", "rural-services"],
        workflow.Status.IN_REVIEW,
        "Ramsberg",
        "Tolv byar norr om Ramsberg har fortfarande bara mobilt bredband som ofta slutar fungera.",
        "Vi vill starta en fiberförening där byborna gräver själva och delar på kostnaden.",
        "Cirka 180 hushåll, företag på landsbygden och de som vill flytta hit.",
    ),
    (
        "Språkcafé i biblioteket",
        "1883",
        ["integration", "learning"],
        workflow.Status.RECEIVED,
        "Karlskoga centrum",
        "Många som har kommit hit nyligen har få tillfällen att prata svenska utanför skolan.",
        "Ett språkcafé varje torsdag kväll där frivilliga och nya svenskar fikar och pratar.",
        "Nyanlända, frivilliga och biblioteket.",
    ),
    (
        "Bybuss till affären i Fjugesta",
        "1814",
        ["transport", "older-people"],
        workflow.Status.SCREENING,
        "Fjugesta",
        "Äldre i byarna runt Fjugesta har svårt att ta sig till affären och vårdcentralen.",
        "En bybuss två dagar i veckan, körd av frivilliga med bygdegårdens minibuss.",
        "Äldre och andra utan bil i byarna.",
    ),
    (
        "Ungdomsgård i gamla skolan",
        "1863",
        ["children-youth", "culture-leisure"],
        workflow.Status.RECEIVED,
        "Grythyttan",
        "Ungdomarna i Grythyttan har ingenstans att vara på kvällarna.",
        "Vi vill öppna gamla skolan som ungdomsgård med musikrum och läxhjälp.",
        "Ungdomar 12–18 år och deras föräldrar.",
    ),
    (
        "Gemensam solcellspark för bygden",
        "18",
        ["environment", "local-development"],
        workflow.Status.IN_REVIEW,
        "",
        "Elpriserna är höga och bygderna vill själva äga sin energi.",
        "En solcellspark som ägs av en ekonomisk förening där alla i bygden kan bli medlemmar.",
        "Hushåll och företag i flera byar i länet.",
    ),
    (
        "Matkasse från lokala bönder",
        "1882",
        ["rural-services", "work-enterprise"],
        workflow.Status.RECEIVED,
        "Åmmeberg",
        "Lantbrukarna runt Åmmeberg säljer mest till grossister och får lite betalt.",
        "En veckovis matkasse som byborna beställer direkt från gårdarna.",
        "Lantbrukare och hushåll i kommunen.",
    ),
    (
        "Byns affär och servicepunkt i Ramsberg",
        "1885",
        ["rural-services"],
        workflow.Status.IN_REVIEW,
        "Ramsberg",
        "Affären i Ramsberg ska stänga, och med den ombudet för paket, apotek och spel.",
        "Byborna vill ta över affären som ett kooperativ med paketombud och servicepunkt.",
        "De som bor i och runt Ramsberg, särskilt äldre och de utan bil.",
    ),
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
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    supports = {support.slug: support for support in SupportKind.objects.all()}
    by_code = {m.code: m for m in Municipality.objects.all()}
    partners = []
    for index, (name, kind, civil, codes, theme_slugs, support_slugs) in enumerate(PARTNERS):
        partner, created = Partner.objects.get_or_create(
            slug=slugify(name)[:80],
            defaults={
                "name": name,
                "kind": kind,
                "is_civil_society": civil,
                "description": f"{name} stöder idéer från invånare och civilsamhälle.",
                "covers_whole_county": codes is None,
                "capacity": 3 + index % 5,
                "languages": "sv,en,ar" if "Integration" in name or "Språk" in name else "sv,en",
                "email": f"info@{slugify(name)[:30]}.example.org",
                # Most agreed to be listed in the public directory; every seventh did not.
                "listed_publicly": index % 7 != 3,
            },
        )
        if created:
            partner.themes.set([themes[slug] for slug in theme_slugs])
            partner.support_kinds.set([supports[slug] for slug in support_slugs])
            if codes:
                partner.municipalities.set([by_code[code] for code in codes])
            PartnerContact.objects.create(
                partner=partner,
                name=f"Kontakt {index + 1}",
                email=f"kontakt{index + 1}@partner.example.org",
                role="Idéansvarig",
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
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
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


def demo_invitations_load() -> None:
    """A second contact of the demo partner's organisation, invited and not yet answered: the
    coordinator's page of the partner shows a login and a pending invitation."""
    partner = PartnerContact.objects.get(user__username="partner").partner
    contact, _created = PartnerContact.objects.get_or_create(
        partner=partner,
        email="inbjuden@example.org",
        defaults={"name": "Ingrid Inbjuden", "role": "Verksamhetsledare", "language": "sv"},
    )
    if not contact.invitations.exists():
        coordinator = get_user_model().objects.get(username="samordnare")
        invitation_send(contact=contact, actor=coordinator)


# The demo's entries as partners keep them: the demo login's own organisation confirmed its
# entry lately and stated how many new ideas it can take this term; another was last confirmed
# well over a year ago, so it is marked and left out of suggestions.
STALE_DEMO_PARTNER = "Mötesplats Vretstorp"
STATED_PLACES = 2


def demo_entries_load() -> None:
    """Give the demo one entry with stated availability, confirmed lately, and one stale."""
    contact = (
        PartnerContact.objects.select_related("partner").filter(user__username="partner").first()
    )
    if contact is not None and not contact.partner.entry_changes.exists():
        partner = contact.partner

        def state_availability() -> None:
            partner.available_places = STATED_PLACES
            partner.description += " Vi tar gärna emot idéer om service på landsbygden."
            partner.save()

        entry_edit_save(
            partner=partner,
            apply=state_availability,
            source=ChangeSource.PARTNER,
            actor=contact.user,
            contact=contact,
        )
    long_ago = timezone.now() - relativedelta(months=settings.PARTNER_STALE_MONTHS + 2)
    Partner.objects.filter(name=STALE_DEMO_PARTNER, confirmed_at__gt=long_ago).update(
        confirmed_at=long_ago
    )


PATHS = {
    workflow.Status.RECEIVED: [],
    workflow.Status.SCREENING: [workflow.Status.SCREENING],
    workflow.Status.IN_REVIEW: [workflow.Status.SCREENING, workflow.Status.IN_REVIEW],
}


def demo_ideas_load() -> int:
    """Submit the demo ideas once and walk each to its demo status; return how many were new."""
    coordinator = get_user_model().objects.get(username="samordnare")
    created = 0
    for index, row in enumerate(DEMO_IDEAS):
        title, code, theme_slugs, status, place, need, description, beneficiaries = row
        if Idea.objects.filter(title=title).exists():
            continue
        submitted = idea_submit(
            title=title,
            need=need,
            description=description,
            beneficiaries=beneficiaries,
            place=place,
            municipality=Municipality.objects.get(code=code),
            themes=list(Theme.objects.filter(slug__in=theme_slugs)),
            support_wanted=list(SupportKind.objects.order_by("order")[index % 3 : index % 3 + 2]),
            submitter_name=f"Demo Invånare {index + 1}",
            submitter_email=f"invanare{index + 1}@example.org",
            share_contact_with_partners=index % 2 == 0,
            is_rural=code not in ("1880", "18"),
        )
        for step in PATHS[status]:
            idea_transition(idea=submitted.idea, to=step, actor=coordinator)
        created += 1
    return created


def demo_activity_load() -> None:
    """Show the committee at work: reviewers, a review, a question, a referral and an event.

    Runs only together with newly submitted demo ideas, so a second run adds nothing.
    """
    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in=["samordnare", "ledamot1", "ledamot2", "uppsok", "partner"]
        )
    }
    coordinator = users["samordnare"]
    fibre = Idea.objects.get(title="Fiber till byarna runt Ramsberg")
    solar = Idea.objects.get(title="Gemensam solcellspark för bygden")
    bus = Idea.objects.get(title="Bybuss till affären i Fjugesta")

    reviewers_assign(
        ideas=[fibre, solar], members=[users["ledamot1"], users["ledamot2"]], actor=coordinator
    )
    scores = {
        criterion: (4 if index % 2 else 5, "")
        for index, criterion in enumerate(Criterion.objects.filter(is_active=True))
    }
    review_save(
        idea=fibre,
        member=users["ledamot1"],
        scores=scores,
        recommendation=Recommendation.REFER,
        submit=True,
        comment="Starkt lokalt engagemang; behöver råd om fiberföreningar.",
    )
    # ledamot2 sits in Byalaget Ramsberg: the portal prompts a conflict-of-interest declaration.
    ramsberg = Partner.objects.get(name="Byalaget Ramsberg")
    Membership.objects.get_or_create(member=users["ledamot2"], partner=ramsberg)

    # The solar park goes to two partners: the demo partner's organisation, which has not
    # answered yet (log in as `partner` to answer), and one that declines through its link.
    partner_organisation = PartnerContact.objects.get(user=users["partner"]).partner
    cooperative = Partner.objects.get(name="Kooperativ utveckling Örebro")
    referrals = idea_refer(
        idea=solar,
        partners=[partner_organisation, cooperative],
        actor=coordinator,
        note_to_partners="Kan ni ge råd om hur en ekonomisk förening kan äga en solcellspark?",
        message_to_owner="Vi tror att de här organisationerna kan hjälpa er vidare.",
    )
    declining = next(r for r in referrals if r.partner_id == cooperative.pk)
    referral_answer(
        referral=declining,
        kind=AnswerKind.DECLINE,
        contact=cooperative.contacts.order_by("pk").first(),
        text="Vi har inga rådgivare lediga i vår.",
    )
    idea_ask_question(
        idea=bus,
        actor=coordinator,
        question="Hur många i byarna skulle åka med bussen varje vecka?",
    )

    # A resident who writes in English has answered the committee's question: the dashboard
    # marks the idea "answered, waiting for you" and its page shows the answer by the question.
    cafe = idea_submit(
        title="Language café at the library in Karlskoga",
        description="A weekly café where new Swedes and locals practise Swedish together.",
        municipality=Municipality.objects.get(code="1883"),
        themes=list(Theme.objects.filter(slug="integration")),
        submitter_name="Demo Resident 8",
        submitter_email="resident8@example.org",
        language="en",
    ).idea
    idea_transition(idea=cafe, to=workflow.Status.SCREENING, actor=coordinator)
    idea_ask_question(
        idea=cafe, actor=coordinator, question="Har biblioteket sagt ja till en lokal på kvällstid?"
    )
    idea_answer_question(idea=cafe, answer="Yes, on Thursday evenings from 6 to 8 pm.")

    event = outreach_event_create(
        name="Husvagnsturné: Grythyttan",
        kind=EventKind.CARAVAN_TOUR,
        municipality=Municipality.objects.get(code="1863"),
        place="Utanför affären i Grythyttan",
    )
    idea_submit(
        title="Laddstolpe vid bygdegården",
        description="Vi som bor i byn vill kunna ladda elbilen vid bygdegården.",
        municipality=event.municipality,
        themes=list(Theme.objects.filter(slug="transport")),
        submitter_name="Demo Invånare 7",
        submitter_phone="070-000 00 07",
        outreach_event=event,
        registered_by=users["uppsok"],
        is_rural=True,
    )

    # Two villages sent the same idea: the fibre idea's page lists this one among its similar
    # ideas, for the coordinator to merge into it (triage.review.merges).
    twin = idea_submit(
        title="Fiber till byarna kring Guldsmedshyttan",
        need="Byarna kring Guldsmedshyttan har bara mobilt bredband som ofta slutar fungera.",
        description=(
            "Vi vill starta en fiberförening där byborna gräver själva och delar på kostnaden."
        ),
        municipality=Municipality.objects.get(code="1885"),
        place="Guldsmedshyttan",
        themes=list(Theme.objects.filter(slug="broadband")),
        submitter_name="Demo Invånare 9",
        submitter_email="invanare9@example.org",
        is_rural=True,
    ).idea
    idea_transition(idea=twin, to=workflow.Status.SCREENING, actor=coordinator)


# The coordinator's first templates for messages to owners (kept in the admin).
DEMO_MESSAGE_TEMPLATES = [
    {
        "kind": TemplateKind.DECLINE,
        "title": "Avslag: passar inte partnerskapet",
        "text_sv": (
            "Tack för att du skickade in ”{title}”. Arbetsutskottet har läst idén noga, men den "
            "ligger utanför det partnerskapet kan stödja. Det kan finnas andra vägar för idén i "
            "{municipality}, till exempel genom kommunen."
        ),
        "text_en": (
            "Thank you for sending us “{title}”. The committee has read the idea carefully, but "
            "it lies outside what the partnership can support. There may be other "
            "ways forward for the idea in {municipality}, for example through the municipality."
        ),
        "text_ar": (
            "شكرًا لك على إرسال «{title}». قرأت اللجنة الفكرة بعناية، لكنها تقع خارج ما تستطيع "
            "الشراكة دعمه. قد توجد طرق أخرى للفكرة في {municipality}، مثلًا عن طريق البلدية."
        ),
    },
    {
        "kind": TemplateKind.QUESTION,
        "title": "Fråga: vilka är med?",
        "text_sv": (
            "Vi vill gärna veta mer om ”{title}”. Vilka i {municipality} är med och driver idén, "
            "och finns det en förening eller grupp bakom den?"
        ),
        "text_en": (
            "We would like to know more about “{title}”. Who in {municipality} is taking part in "
            "the idea, and is there an association or group behind it?"
        ),
        "text_ar": (
            "نود أن نعرف المزيد عن «{title}». من يشارك في الفكرة في {municipality}، وهل هناك "
            "جمعية أو مجموعة وراءها؟"
        ),
    },
    {
        "kind": TemplateKind.REFERRAL,
        "title": "Lotsning till en partner",
        "text_sv": (
            "Din idé ”{title}” har lotsats vidare till {partner}, som kan stödja idéer i "
            "{municipality}. Du kan följa lotsningen på din idés sida."
        ),
        "text_en": (
            "Your idea “{title}” has been passed on to {partner}, who can support ideas in "
            "{municipality}. You can follow the referral on your idea's page."
        ),
        "text_ar": (
            "أُحيلت فكرتك «{title}» إلى {partner}، الذي يمكنه دعم الأفكار في {municipality}. "
            "يمكنك متابعة الإحالة على صفحة فكرتك."
        ),
    },
]


def demo_message_templates_load() -> None:
    for fields in DEMO_MESSAGE_TEMPLATES:
        template = (
            MessageTemplate.objects.filter(title=fields["title"]).first() or MessageTemplate()
        )
        for name, value in fields.items():
            setattr(template, name, value)
        template.full_clean()
        template.save()


def demo_meeting_load() -> None:
    """The committee's next meeting, a week ahead: every idea awaiting a decision on its agenda,
    and one decision recorded in advance (the last idea on hold until the budget is known)."""
    coordinator = get_user_model().objects.get(username="samordnare")
    meeting = meetings.meeting_create(
        date=timezone.localdate() + datetime.timedelta(days=7),
        title="Arbetsutskottets möte",
        actor=coordinator,
    )
    waiting = Idea.objects.filter(status__in=meetings.AWAITING_DECISION).order_by("created_at")
    items = meetings.agenda_add(meeting=meeting, ideas=list(waiting), actor=coordinator)
    meetings.meeting_attendees_save(
        meeting=meeting, attendees="Sara Samordnare, Lars Ledamot, Leila Ledamot", actor=coordinator
    )
    if items:
        meetings.agenda_item_decide(
            item=items[-1],
            decision=meetings.Decision(
                kind="hold",
                hold_until=meeting.date + datetime.timedelta(days=60),
                message_to_owner="Vi tar upp idén igen efter årsskiftet, när budgeten är klar.",
                internal_note="Vänta på kommunens besked om lokalen.",
            ),
            actor=coordinator,
        )


DEMO_CALL_TITLE = {
    "sv": "Service på landsbygden 2027",
    "en": "Rural services 2027",
    "ar": "الخدمات في الريف 2027",
    "sv-easy": "Service på landsbygden 2027",
}
# The call's own questions: asked on the form while it is open (ideas/questions.py).
DEMO_CALL_QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": QuestionKind.CHOICE,
        "required": True,
        "texts": {
            "sv": {
                "wording": "Hur långt har ni till närmaste servicepunkt (affär, apotek, post)?",
                "help_text": "Räkna enkel väg från byn.",
                "choices": ["Under 5 km", "5–20 km", "Mer än 20 km"],
            },
            "en": {
                "wording": "How far is the nearest service point (shop, pharmacy, post)?",
                "help_text": "One way, from the village.",
                "choices": ["Under 5 km", "5–20 km", "More than 20 km"],
            },
            "ar": {
                "wording": "كم تبعد أقرب نقطة خدمة (متجر، صيدلية، بريد)؟",
                "help_text": "المسافة في اتجاه واحد من القرية.",
                "choices": ["أقل من 5 كم", "5–20 كم", "أكثر من 20 كم"],
            },
            "sv-easy": {
                "wording": "Hur långt är det till affären, apoteket eller posten?",
                "help_text": "Räkna från byn.",
                "choices": ["Mindre än 5 km", "5 till 20 km", "Mer än 20 km"],
            },
        },
    },
    {
        "kind": QuestionKind.YES_NO,
        "required": False,
        "texts": {
            "sv": {"wording": "Har ni redan pratat med kommunen om idén?", "help_text": ""},
            "en": {"wording": "Have you already talked to the municipality about the idea?"},
            "ar": {"wording": "هل تحدثتم مع البلدية عن الفكرة من قبل؟"},
            "sv-easy": {"wording": "Har du pratat med kommunen om idén?"},
        },
    },
]


def demo_call_load() -> CallForIdeas:
    """The call "Service på landsbygden 2027", open now, with its two questions."""
    call = CallForIdeas.objects.filter(title__sv=DEMO_CALL_TITLE["sv"]).first()
    if call is not None:
        return call
    today = timezone.localdate()
    call = questions.call_save(
        call=CallForIdeas(
            title=DEMO_CALL_TITLE,
            theme=Theme.objects.filter(slug="rural-services").first(),
            opens_on=today - datetime.timedelta(days=7),
            closes_on=today + datetime.timedelta(days=120),
        )
    )
    for question in DEMO_CALL_QUESTIONS:
        texts = {
            code: {"wording": "", "help_text": "", "choices": [], **part}
            for code, part in question["texts"].items()
        }
        questions.question_add(
            kind=question["kind"], required=question["required"], texts=texts, call=call
        )
    return call


@transaction.atomic
def demo_data_load(password: str) -> dict:
    reference_data_load()
    partners = demo_partners_load()
    accounts = demo_accounts_load(password)
    demo_invitations_load()
    demo_entries_load()
    demo_message_templates_load()
    demo_call_load()
    new_ideas = demo_ideas_load()
    if new_ideas == len(DEMO_IDEAS):
        demo_activity_load()
        demo_meeting_load()
    # Ideas from all over the county, for the public map of its needs.
    new_ideas += demo_county_ideas_load()
    return {"partners": len(partners), "accounts": accounts, "new_ideas": new_ideas}
