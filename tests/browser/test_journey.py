"""One resident's idea round the loop in a real browser: English and Arabic, three people.

The resident (their browser in their language) submits, reads the question from the link in
the mail, answers it, and later sees who received the idea; the coordinator (a Swedish browser)
screens, asks with a message to the owner and an internal note, reads the answer and refers; the
partner opens the link in its mail and accepts. Every page any of them lands on is checked with
axe-core, and the resident's pages are read for their language and direction. The partner page
shows only what the resident allowed: this resident did not agree to share contact details.
"""

from urllib.parse import urlsplit

import pytest

from ideas.models import Idea, Municipality, Theme
from partners.models import PartnerContact
from portal.outbox.models import Message
from portal.roles import Role
from tests.browser.conftest import _open, _portal
from tests.browser.pages import SEND_IDEA, reference_on_page
from tests.factories import PartnerFactory, UserFactory
from tests.journeys.conftest import ANSWER_LINK, WRITES, Mail, expected_public_label

OWNER_EMAIL = "owner@example.org"
OWNER_PHONE = "070-123 45 67"
QUESTION = {
    "en": "Where in the village would it stop, and who could drive the bus?",
    "ar": "أين ستكون نقطة اللقاء في القرية، ومن يملك المكان اليوم؟",
}
ANSWER = {
    "en": "Outside the grocery store; two retired drivers have offered to help.",
    "ar": "في مكتبة القرية، والبلدية وافقت على إعارتها مجانا.",
}
MESSAGE_ON_REFERRAL = {
    "en": "We have sent your idea to an association that can help.",
    "ar": "أرسلنا فكرتك إلى جمعية يمكنها مساعدتك.",
}
INTERNAL_NOTE = "Intern anteckning: svag budget, hör med kommunen först"
NOTE_TO_PARTNERS = "Till partnerna: kan ni hjälpa till med en ansökan om bygdemedel?"
MEANT_FOR_OTHERS = (INTERNAL_NOTE, NOTE_TO_PARTNERS)


@pytest.fixture
def staff_portal(browser, live_server, request, django_db_serialized_rollback):
    """The coordinator's own browser, in Swedish."""
    yield from _portal(_open(browser, live_server, request, "sv-SE").new_page(), live_server)


@pytest.fixture
def partner_portal(browser, live_server, request, django_db_serialized_rollback):
    """The partner contact's own browser, in Swedish."""
    yield from _portal(_open(browser, live_server, request, "sv-SE").new_page(), live_server)


def last_mail_to(address: str) -> Mail:
    message = Message.objects.filter(recipient=address).order_by("pk").last()
    assert message is not None, f"no mail to {address}"
    return Mail.of(message)


def link_in(mail: Mail, part: str) -> str:
    """The path of the first link of the portal in the mail whose path contains `part`."""
    paths = [urlsplit(url).path for url in mail.links() if part in urlsplit(url).path]
    assert paths, f"no {part} link in the mail:\n{mail.text}"
    return paths[0]


def reads_in(page, language: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == language, f"{page.url} is not in {language}"
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")


def never_shows(page, *texts: str) -> None:
    content = page.content()
    for text in texts:
        assert text not in content, f"{page.url} shows “{text}”"


def move(
    staff, reference: str, to: str, *, message_to_owner: str = "", internal_note: str = ""
) -> None:
    """The coordinator's one move control: the target, a message to the owner, a note."""
    staff.visit(f"/triage/ideas/{reference}/")
    form = staff.page.locator(f"main form[action$='/ideas/{reference}/move/']")
    target = form.locator("[name=to]")
    if target.first.evaluate("el => el.tagName") == "SELECT":
        target.select_option(to)
    else:
        form.locator(f"input[name=to][value={to}]").check()
    form.locator("[name=message_to_owner]").fill(message_to_owner)
    form.locator("[name=internal_note]").fill(internal_note)
    staff.submit(form.locator("button[type=submit]"))
    assert Idea.objects.get(reference=reference).status == to, f"the move to {to} failed"


@pytest.mark.parametrize("locale", ["en-GB", "ar"])
def test_a_resident_in_their_language_goes_from_submission_to_a_referral(
    portal, staff_portal, partner_portal, locale, coordinator
):
    language = locale.split("-")[0]
    writes = WRITES[language]
    partner = PartnerFactory(name="Byalaget Ramsberg", contacts=0)
    partner_user = UserFactory(username="partner", roles=[Role.PARTNER_CONTACT])
    PartnerContact.objects.create(
        partner=partner,
        name="Kim Kontakt",
        email=partner_user.email,
        role="Idéansvarig",
        user=partner_user,
    )
    resident = portal.page

    # The resident sends the idea from the public form, in their own language.
    portal.visit("/idea/new/")
    reads_in(resident, language)
    for name, value in (
        ("title", writes["title"]),
        ("need", writes["need"]),
        ("description", writes["description"]),
        ("submitter_name", writes["name"]),
        ("submitter_email", OWNER_EMAIL),
        ("submitter_phone", OWNER_PHONE),
    ):
        resident.locator(f"main form [name={name}]").fill(value)
    resident.locator("main form select[name=municipality]").select_option(
        str(Municipality.objects.get(code="1885").pk)
    )
    resident.locator(
        "main form input[name=themes][value='{}']".format(
            Theme.objects.get(slug="local-development").pk
        )
    ).check()
    resident.locator("main form input[name=organisation_kind][value=private_person]").check()
    resident.locator(f"main form input[name=language][value={language}]").check()
    resident.locator("main form input[name=consent]").check()
    portal.submit(SEND_IDEA)
    reads_in(resident, language)
    reference = reference_on_page(resident)

    receipt = last_mail_to(OWNER_EMAIL)
    assert receipt.language == language
    tracking = link_in(receipt, "/track/")

    # The coordinator screens the idea and asks a question, with a note for the committee.
    staff_portal.login(coordinator)
    move(staff_portal, reference, "screening")
    move(staff_portal, reference, "in_review")
    move(
        staff_portal,
        reference,
        "needs_information",
        message_to_owner=QUESTION[language],
        internal_note=INTERNAL_NOTE,
    )

    # The resident reads the question from the link in its mail, and answers.
    question_mail = last_mail_to(OWNER_EMAIL)
    assert question_mail.language == language and QUESTION[language] in question_mail
    assert INTERNAL_NOTE not in question_mail
    portal.visit(link_in(question_mail, "/track/"))
    reads_in(resident, language)
    assert resident.locator("main").get_by_text(QUESTION[language]).count() >= 1
    never_shows(resident, *MEANT_FOR_OTHERS)
    resident.locator("main form[action$='/answer/'] [name=answer]").fill(ANSWER[language])
    portal.submit("main form[action$='/answer/'] button[type=submit]")
    reads_in(resident, language)

    # The coordinator reads the answer on the idea's page and refers the idea.
    staff_portal.visit(f"/triage/ideas/{reference}/")
    assert staff_portal.page.locator("main").get_by_text(ANSWER[language]).count() >= 1
    refer = staff_portal.page.locator(f"main form[action$='/ideas/{reference}/refer/']")
    refer.locator(f"input[name=partners][value='{partner.pk}']").check()
    refer.locator("[name=note_to_partners]").fill(NOTE_TO_PARTNERS)
    refer.locator("[name=message_to_owner]").fill(MESSAGE_ON_REFERRAL[language])
    staff_portal.submit(refer.locator("button[type=submit]"))
    assert Idea.objects.get(reference=reference).status == "referred"

    # The partner opens the link in its mail: the note to it, nothing the owner kept back.
    referral_mail = last_mail_to(partner_user.email)
    answer_path = urlsplit(ANSWER_LINK.findall(referral_mail.text)[-1]).path
    partner_page = partner_portal.visit(answer_path)
    assert NOTE_TO_PARTNERS in partner_page.content()
    never_shows(
        partner_page,
        INTERNAL_NOTE,
        writes["name"],
        OWNER_EMAIL,
        OWNER_PHONE,
        MESSAGE_ON_REFERRAL[language],
    )
    partner_portal.submit("main form:has(input[name=answer][value=accept]) button[type=submit]")

    # The partner's own pages, logged in: still only what the resident allowed.
    partner_portal.login(partner_user)
    referral = Idea.objects.get(reference=reference).referrals.get()
    partner_portal.visit(f"/partner/referrals/{referral.pk}/")
    never_shows(partner_portal.page, INTERNAL_NOTE, writes["name"], OWNER_EMAIL, OWNER_PHONE)

    # The resident sees who received the idea, in their language, and no note for others.
    referred_mail = last_mail_to(OWNER_EMAIL)
    assert referred_mail.language == language
    portal.visit(tracking)
    reads_in(resident, language)
    main = resident.locator("main")
    status = Idea.objects.get(reference=reference).status
    assert main.get_by_text(expected_public_label(status, language)).count() >= 1
    assert main.get_by_text(partner.name).count() >= 1
    never_shows(resident, *MEANT_FOR_OTHERS)
