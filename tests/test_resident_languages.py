"""The resident's pages and emails in Arabic (right to left) and in easy-to-read Swedish."""

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from ideas.forms import IdeaSubmitForm
from ideas.models import Idea
from tests.ideas.conftest import valid_form

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["portal", "ideas", "partners", "triage", "templates"]
NO_XGETTEXT = "GNU gettext (xgettext) not installed: catalogue completeness not checked"

# Everything a resident reads: their pages, their form, its messages and their emails.
RESIDENT_FILES = [
    r"templates/base\.html",
    r"templates/includes/.*",
    # Not the outreach staff's pages.
    r"templates/ideas/(?!idea_intake|outreachevent_choose|intake_).*",
    r"templates/portal/(privacy_notice|accessibility_statement)\.html",
    r"portal/(forms|views|settings)\.py",
    r"ideas/(forms|views|workflow|services|models)\.py",
    r"templates/emails/(receipt|status_change|question|draft|referral_accepted|idea_referred"
    r"|together|together_status|together_undone)"
    r"(_subject)?\.(txt|html)",
    r"templates/emails/includes/_owner_.*",  # the greeting and the tracking link of each mail
    r"templates/(404|403)\.html",  # reached from a resident's link too
    r"templates/ideas/idea_intake_receipt\.html",  # printed in the resident's language
    # The follow-up survey: its mail, its page and the form's words.
    r"templates/emails/follow_up_survey(_subject)?\.(txt|html)",
    r"templates/triage/follow_up_survey.*\.html",
    r"triage/referrals/follow_up(_pages)?\.py",
]
# The texts rewritten in easy-to-read Swedish (the form's help texts are found on the form).
EASY_FILES = [r"templates/ideas/home\.html", r"templates/portal/privacy_notice\.html"]
SUBMISSION_PAGE_FILES = [
    r"templates/base\.html",
    r"templates/ideas/idea_submit\.html",
    r"ideas/forms\.py",
    r"templates/includes/_error_summary\.html",
]
TRACKING_PAGE_FILES = [
    r"templates/base\.html",
    r"templates/ideas/idea_track\.html",
    r"ideas/workflow\.py",
]


def matches(path: str, patterns: list[str]) -> bool:
    return any(re.fullmatch(pattern, path) for pattern in patterns)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[polib.POEntry]:
    return extract_on_a_copy(tmp_path_factory.mktemp("sources"))


def extract_on_a_copy(work: Path) -> list[polib.POEntry]:
    """Run makemessages on a copy of the sources, so the real catalogues stay as they are."""
    if shutil.which("xgettext") is None:
        pytest.skip(NO_XGETTEXT)
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name,
            work / name,
            ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"),
        )
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    (work / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ar"],
        cwd=work,
        check=True,
        capture_output=True,
        timeout=300,
        # The copy holds the portal's settings, in demo mode.
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "true"},
    )
    return list(polib.pofile(str(work / "locale/ar/LC_MESSAGES/django.po")))


def msgids_from(entries: list[polib.POEntry], patterns: list[str]) -> set[str]:
    return {
        entry.msgid
        for entry in entries
        if any(matches(path, patterns) for path, _line in entry.occurrences)
    }


def translated(language: str) -> dict[str, polib.POEntry]:
    found = {}
    for path in sorted(ROOT.glob(f"*/locale/{language}/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if forms and all(forms):
                found[entry.msgid] = entry
    return found


def help_texts_of_the_submission_form() -> set[str]:
    with translation.override("en"):  # no English catalogue: the source strings themselves
        return {
            str(field.help_text) for field in IdeaSubmitForm.base_fields.values() if field.help_text
        }


def english_left_on(page: str, msgids: set[str]) -> list[str]:
    """Source strings of at least three words that appear untranslated on the page."""
    text = html.unescape(page)
    return sorted(
        msgid for msgid in msgids if len(msgid.split()) >= 3 and "%(" not in msgid and msgid in text
    )


# --- The catalogues


def test_every_string_a_resident_reads_has_an_arabic_translation(extracted):
    missing = sorted(msgids_from(extracted, RESIDENT_FILES) - set(translated("ar")))
    assert not missing, f"{len(missing)} resident strings lack Arabic: {missing[:30]}"


def test_arabic_plurals_fill_all_six_forms():
    for entry in translated("ar").values():
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6, entry.msgid


def test_arabic_keeps_every_placeholder_of_the_source():
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in translated("ar").values():
        wanted = set(placeholder.findall(entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(placeholder.findall(form)) == wanted, entry.msgid


def test_easy_to_read_swedish_covers_the_front_page_help_texts_and_privacy_notice(extracted):
    wanted = msgids_from(extracted, EASY_FILES) | help_texts_of_the_submission_form()
    missing = sorted(wanted - set(translated("sv_Easy")))
    assert not missing, f"{len(missing)} texts lack easy-to-read Swedish: {missing[:30]}"


def test_the_compiled_catalogues_match_their_sources():
    for language in ("ar", "sv_Easy"):
        for po_path in ROOT.glob(f"*/locale/{language}/LC_MESSAGES/django.po"):
            mo_path = po_path.with_suffix(".mo")
            assert mo_path.exists(), f"{mo_path} missing: run msgfmt"
            source = {
                (e.msgid, e.msgstr)
                for e in polib.pofile(str(po_path))
                if e.translated() and not e.msgid_plural
            }
            compiled = {
                (e.msgid, e.msgstr) for e in polib.mofile(str(mo_path)) if not e.msgid_plural
            }
            assert source <= compiled, f"{mo_path} is older than {po_path}: recompile it"


def test_every_theme_and_kind_of_support_has_an_arabic_name():
    from ideas import reference_data
    from ideas.vocabulary_ar import SUPPORT_KINDS_AR, THEMES_AR

    assert set(THEMES_AR) == {slug for slug, *_names in reference_data.THEMES}
    assert set(SUPPORT_KINDS_AR) == {slug for slug, *_names in reference_data.SUPPORT_KINDS}
    assert all(
        re.search(r"[\u0600-\u06ff]", name)
        for name in (*THEMES_AR.values(), *SUPPORT_KINDS_AR.values())
    )


# --- The pages and emails


def choose_language(client, code: str) -> None:
    """Press the language switch in the page header, as a resident does."""
    response = client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code


@pytest.fixture
def arabic_client(client, settings):
    settings.IDEAS_MIN_FILL_SECONDS = 0
    choose_language(client, "ar")
    return client


@pytest.mark.django_db
def test_the_submission_form_in_arabic_is_right_to_left_with_nothing_left_in_english(
    arabic_client, extracted
):
    page = arabic_client.get(reverse("ideas:submit")).content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "أرسل فكرتك" in page  # "Submit your idea"
    assert english_left_on(page, msgids_from(extracted, SUBMISSION_PAGE_FILES)) == []


@pytest.mark.django_db
def test_the_form_errors_in_arabic_come_in_arabic(arabic_client, extracted):
    response = arabic_client.post(
        reverse("ideas:submit"), valid_form(title="", consent="", submitter_email="anna@")
    )

    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "من فضلك صحّح ما يلي:" in page  # the error summary's heading
    assert "اكتب اسما قصيرا لفكرتك." in page  # "Write a short name for your idea."
    assert "Tick the box to agree" not in page and "This field is required." not in page
    assert "Enter a valid email address." not in page
    assert english_left_on(page, msgids_from(extracted, SUBMISSION_PAGE_FILES)) == []


@pytest.mark.django_db
def test_an_idea_sent_in_arabic_keeps_its_language_and_its_receipt_is_arabic(
    arabic_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = arabic_client.post(
            reverse("ideas:submit"), valid_form(language="ar"), follow=True
        )

    idea = Idea.objects.get()
    assert idea.language == "ar"
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert re.search(rf'<[^>]+dir="ltr"[^>]*>\s*{idea.reference}\s*<', page), (
        "the reference number is not kept left to right"
    )
    receipt = mail.outbox[0]
    assert receipt.subject == f"وصلتنا فكرتك ({idea.reference})"
    assert "شكرًا على فكرتك" in receipt.body
    assert "Thank you" not in receipt.body
    html_body = receipt.alternatives[0][0]
    assert 'lang="ar"' in html_body and 'dir="rtl"' in html_body


@pytest.mark.django_db
def test_the_tracking_page_in_arabic_is_right_to_left_with_nothing_left_in_english(
    arabic_client, extracted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        arabic_client.post(reverse("ideas:submit"), valid_form(language="ar"))
    token = re.search(r"/track/([\w-]+)/", mail.outbox[0].body).group(1)

    page = arabic_client.get(reverse("ideas:track", kwargs={"token": token})).content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert "وصلتنا فكرتك" in page  # the public status "We have received your idea"
    assert english_left_on(page, msgids_from(extracted, TRACKING_PAGE_FILES)) == []


@pytest.mark.django_db
def test_the_chosen_language_is_remembered_from_page_to_page(arabic_client):
    for name in ("home", "privacy_notice", "accessibility_statement"):
        page = arabic_client.get(reverse(name)).content.decode()
        assert '<html lang="ar" dir="rtl">' in page, name


@pytest.mark.django_db
def test_easy_to_read_swedish_shows_the_easy_text_marked_as_swedish(client):
    choose_language(client, "sv-easy")

    front = client.get(reverse("home")).content.decode()
    form = client.get(reverse("ideas:submit")).content.decode()
    privacy = client.get(reverse("privacy_notice")).content.decode()

    assert '<html lang="sv" dir="ltr">' in front
    assert "Vi letar efter organisationer som kan hjälpa dig." in front
    assert "Vad saknas i dag? Vad fungerar inte? Vem märker det?" in form
    assert "Vi frågar aldrig efter ditt personnummer." in privacy
    # Strings that have no easy version fall back to plain Swedish, never to English.
    assert "Skip to content" not in front


# --- The accessibility statement and the errors in easy-to-read Swedish

STATEMENT_EASY = [
    "Alla ska kunna använda Idélotsen.",
    "Webbplatsen följer bara en del av lagen om tillgänglighet till digital offentlig service.",
    "Vi har inte testat webbplatsen med hjälpmedel än.",
    "Vi vill ha rättat de här felen senast i mars 2027.",
    "Vi har kontrollerat webbplatsen själva.",
    "Digg kontrollerar att vi följer lagen.",
    "Vi säger inte det om något på webbplatsen.",
    "Vi kan inte göra dem tillgängliga.",
]
# What the law requires the statement to say, kept in the easy text: the criteria, the level.
STATEMENT_FACTS = ["WCAG 2.1 nivå AA", "WCAG 1.3.1", "WCAG 4.1.2", "WCAG 3.1.5", "2.5.8", "Digg"]


def easy_catalogue() -> set[str]:
    return set(translated("sv_Easy"))


@pytest.mark.django_db
def test_the_accessibility_statement_reads_in_easy_to_read_swedish(client):
    from django.template import Engine

    from tests.test_language_complete import template_msgids

    choose_language(client, "sv-easy")
    page = html.unescape(client.get(reverse("accessibility_statement")).content.decode())

    assert '<html lang="sv" dir="ltr">' in page
    for text in STATEMENT_EASY + STATEMENT_FACTS:
        assert text in page, text
    # The plain Swedish statement is not what this reader gets.
    assert "Vi har ännu inte testat portalen med hjälpmedel" not in page
    assert "oskäligt betungande anpassning för något innehåll" not in page
    # Every string of the statement and its report form has its easy-to-read text.
    wanted = template_msgids(
        "portal/accessibility_statement.html", Engine.get_default(), {"base.html"}
    )
    assert len(wanted) > 30
    assert not sorted(wanted - easy_catalogue())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "empty_report", "lost_link"),
    [
        ("sv-easy", "Skriv vad som inte fungerade.", "Skriv den e-postadress som du skrev"),
        ("sv", "Skriv vad som inte fungerade.", "Skriv den e-postadress som du angav"),
        ("en", "Write what did not work.", "Write the email address you gave"),
        ("ar", "اكتب ما الذي لم يعمل.", "اكتب عنوان البريد الإلكتروني الذي أعطيته"),
    ],
)
def test_an_empty_field_says_what_to_write_in_each_language(
    client, language, empty_report, lost_link
):
    choose_language(client, language)

    report = client.post(reverse("accessibility_statement"), {"page": "", "description": ""})
    lost = client.post(reverse("ideas:lost_link"), {"email": ""})

    for response, wanted in ((report, empty_report), (lost, lost_link)):
        page = html.unescape(response.content.decode())
        assert wanted in page
        assert "Detta fält måste fyllas i." not in page
        assert "This field is required." not in page


@pytest.mark.django_db
def test_djangos_own_errors_in_easy_to_read_swedish_say_what_to_do(client):
    from django import forms as django_forms
    from django.core.exceptions import ValidationError

    choose_language(client, "sv-easy")
    wrong = client.post(reverse("ideas:lost_link"), {"email": "not an address"})
    assert "Skriv hela e-postadressen. Till exempel: namn@exempel.se" in html.unescape(
        wrong.content.decode()
    )
    assert "Fyll i en giltig e-postadress." not in wrong.content.decode()
    with translation.override("sv-easy"):
        for field, value, wanted in (
            (django_forms.CharField(), "", "Du behöver fylla i det här."),
            (django_forms.CharField(max_length=3), "abcd", "Gör texten kortare."),
            (django_forms.ChoiceField(choices=[("a", "A")]), "b", "Välj ett av alternativen."),
            (django_forms.DateField(), "31/12", "Skriv ett datum som finns."),
        ):
            with pytest.raises(ValidationError) as error:
                field.clean(value)
            assert wanted in " ".join(error.value.messages)
    # Plain Swedish keeps Django's own wording.
    with translation.override("sv"):
        with pytest.raises(ValidationError) as error:
            django_forms.CharField().clean("")
        assert error.value.messages == ["Detta fält måste fyllas i."]


@pytest.mark.django_db  # the idea form asks the committee's questions (ideas/questions.py)
def test_every_required_field_a_resident_fills_in_says_what_to_do():
    """No resident's form falls back to Django's "This field is required." (after a question
    it does not say what to do)."""
    from django import forms as django_forms

    from ideas import forms as idea_forms
    from portal.forms import AccessibilityReportForm
    from triage.referrals.consent_forms import OwnerReplyForm
    from triage.referrals.follow_up_pages import FollowUpSurveyForm

    generic = django_forms.Field.default_error_messages["required"]
    vague = {}
    for form_class in (
        idea_forms.IdeaSubmitForm,
        idea_forms.QuestionAnswerForm,
        idea_forms.LostLinkForm,
        idea_forms.ShortCodeForm,
        idea_forms.WithdrawForm,
        AccessibilityReportForm,
        OwnerReplyForm,
        FollowUpSurveyForm,
    ):
        form = form_class()
        for name, field in form.fields.items():
            if field.required and field.error_messages["required"] == generic:
                vague.setdefault(form_class.__name__, []).append(name)
    assert not vague, f"required fields that only say 'This field is required.': {vague}"


def test_every_string_of_the_resident_templates_has_an_easy_to_read_text():
    """Each page and mail a resident reaches (tests/test_language_complete.py's list), every
    branch: a new string without its easy-to-read text fails here."""
    from django.template import Engine

    from tests.test_language_complete import RESIDENT_TEMPLATES, template_msgids

    engine = Engine.get_default()
    wanted: set[str] = set()
    for name in RESIDENT_TEMPLATES:
        wanted |= template_msgids(name, engine)
    assert len(wanted) > 400, "the templates' strings were not found"
    easy = set()
    for path in sorted(ROOT.glob("*/locale/sv_Easy/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if not entry.obsolete and "fuzzy" not in entry.flags and forms and all(forms):
                easy.add(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)

    missing = sorted(wanted - easy)
    assert not missing, f"{len(missing)} strings of resident templates lack easy text: {missing}"


@pytest.mark.django_db
def test_every_label_and_error_a_resident_reads_from_the_code_has_an_easy_to_read_text():
    """Statuses, next steps, labels, help texts, choices and errors of the resident's forms,
    Django's own errors of their fields included."""
    from tests.test_language_complete import resident_code_labels

    easy = set()
    for path in sorted(ROOT.glob("*/locale/sv_Easy/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if not entry.obsolete and "fuzzy" not in entry.flags and forms and all(forms):
                easy.add(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
    wanted = resident_code_labels()
    assert len(wanted) > 100

    missing = sorted(wanted - easy)
    assert not missing, f"{len(missing)} labels a resident reads lack easy text: {missing}"
