"""Following an idea with its private link, and assisted intake at an outreach event."""

import datetime
from urllib.parse import urlsplit

from django.urls import reverse

from ideas import services, workflow
from ideas.models import Channel, EventKind, Idea, Municipality, Theme
from tests.browser.pages import REFERENCE, reference_on_page

ANSWER = "Skolan ägs av kommunen och står tom sedan 2019."


def _submitted(**extra) -> services.SubmittedIdea:
    return services.idea_submit(
        title="Mötesplats i gamla skolan",
        description="Ett allaktivitetshus för byn.",
        municipality=Municipality.objects.get(code="1863"),
        themes=[Theme.objects.get(slug="local-development")],
        submitter_email="a@example.org",
        **extra,
    )


def test_a_resident_answers_a_question_and_withdraws_the_idea_with_javascript_off(
    portal_without_js, coordinator
):
    portal = portal_without_js
    submitted = _submitted()
    idea = services.idea_transition(
        idea=submitted.idea, to=workflow.Status.SCREENING, actor=coordinator
    )
    services.idea_ask_question(idea=idea, question="Vem äger skolan i dag?", actor=coordinator)
    track = reverse("ideas:track", args=[submitted.tracking_token])
    page = portal.visit(track)
    assert "Vem äger skolan i dag?" in page.locator("#question").inner_text()

    # The proof of authorship, and the idea as it was sent (axe checks that page too).
    fingerprint = submitted.original.fingerprint
    assert page.locator("#proof .fingerprint").inner_text() == fingerprint
    portal.follow(f"main a[href$='{reverse('ideas:original', args=[submitted.tracking_token])}']")
    assert page.locator("#proof .fingerprint").inner_text() == fingerprint
    assert "Mötesplats i gamla skolan" in page.locator("#original").inner_text()
    page = portal.visit(track)

    # An empty answer: the error is tied to the field.
    answer_form = "main form[action$='/answer/']"
    portal.submit(f"{answer_form} button[type=submit]")
    answer = page.locator(f"{answer_form} textarea[name=answer]")
    assert answer.get_attribute("aria-invalid") == "true"
    assert page.locator("#error-summary").count() == 1
    answer.fill(ANSWER)
    portal.submit(f"{answer_form} button[type=submit]")
    assert Idea.objects.get(pk=idea.pk).status == workflow.Status.IN_REVIEW
    assert ANSWER in idea.questions.get().answer

    portal.follow(f"main a[href$='{reverse('ideas:withdraw', args=[submitted.tracking_token])}']")
    page.locator("main form textarea[name=reason]").fill("Vi fick en lokal av kyrkan.")
    portal.submit("main form button[type=submit]")
    assert Idea.objects.get(pk=idea.pk).status == workflow.Status.WITHDRAWN
    assert page.url.endswith(track)


def test_outreach_staff_register_an_idea_at_a_caravan_stop(portal, outreach_staff):
    portal.login(outreach_staff)
    page = portal.visit(reverse("ideas:intake"))
    event = "main form:has(button[name=create])"
    page.locator(f"{event} [name=name]").fill("Karavanen vid Ica i Grythyttan")
    page.locator(f"{event} input[name=kind][value={EventKind.CARAVAN_TOUR}]").check()
    page.locator(f"{event} select[name=municipality]").select_option(
        str(Municipality.objects.get(code="1863").pk)
    )
    page.locator(f"{event} [name=place]").fill("Utanför affären")
    page.locator(f"{event} [name=date]").fill(datetime.date.today().isoformat())
    portal.submit(f"{event} button[name=create]")
    assert page.url.endswith(reverse("ideas:intake_new")), page.locator("main").inner_text()

    form = "main form"
    page.locator(f"{form} [name=title]").fill("Bokbuss till byn")
    page.locator(f"{form} [name=description]").fill("Biblioteket kommer en gång i veckan.")
    theme = Theme.objects.get(slug="local-development")
    page.locator(f"{form} input[name=themes][value='{theme.pk}']").check()
    for name in ("stage", "organisation_kind", "language"):
        radios = page.locator(f"{form} input[type=radio][name={name}]")
        if radios.count():
            radios.first.check()
    page.locator(f"{form} input[name=consent_confirmed]").check()
    portal.submit(f"{form} button[type=submit]")

    reference = reference_on_page(page)
    assert REFERENCE.fullmatch(reference)
    idea = Idea.objects.get(reference=reference)
    assert idea.channel != Channel.WEB
    assert idea.outreach_event.name == "Karavanen vid Ica i Grythyttan"
    assert idea.registered_by == outreach_staff

    # The paper: the print button (shown by its script), the short link to type, whom to call.
    assert page.locator("button[data-print]").is_visible()
    short_link = page.locator("#short-link a").inner_text()
    assert f"/t/{reference}/" in short_link

    # The next resident at the same tablet finds nothing of this one: not on the new form,
    # not by going back, not by reloading.
    portal.follow("main a[href$='/intake/new/']")
    assert page.locator(f"{form} [name=title]").input_value() == ""
    with portal.navigation():
        page.go_back()
    assert "Bokbuss till byn" not in page.content() and reference not in page.content()
    with portal.navigation():
        page.reload()
    assert "Bokbuss till byn" not in page.content() and reference not in page.content()
    with portal.navigation():
        page.go_back()
    assert page.locator(f"{form} [name=title]").count() == 0 or (
        page.locator(f"{form} [name=title]").input_value() == ""
    )

    # The resident types the short link into their own phone and reaches the idea's page.
    portal.logout()
    portal.visit(urlsplit(short_link).path, expect_status=200)
    assert "Bokbuss till byn" in page.locator("main").inner_text()
