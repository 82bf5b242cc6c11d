"""A question the committee sets, in a real browser: the coordinator adds it in Swedish and
English (a refused try first, for the wording it lacks), a resident answers it on the idea form,
and the committee reads the answer with its wording on the idea's page; axe-core checks every
page (issue 21)."""

from ideas.models import FormQuestion, Idea
from tests.browser.pages import SEND_IDEA, fill_idea_form

WORDING_SV = "Hur långt har ni till närmaste matbutik?"
WORDING_EN = "How far is the nearest grocery shop?"
ANSWER = "Tre mil, och bussen går bara på morgonen."


def test_the_coordinator_adds_a_question_a_resident_answers_it_and_the_committee_reads_it(
    portal, coordinator
):
    portal.login(coordinator)
    portal.visit("/triage/questions/")
    portal.follow("main a[href$='/triage/questions/add/']")

    # Without the Swedish wording the form comes back, the error at the field.
    portal.page.locator("input[name=kind][value=text]").check()
    portal.page.locator("input[name=wording_en]").fill(WORDING_EN)
    portal.submit("main form button[type=submit]")
    assert portal.page.locator("#error-summary").count() == 1
    assert portal.page.locator("#id_wording_sv").get_attribute("aria-invalid") == "true"
    assert "Skriv frågan på svenska." in portal.page.locator("#id_wording_sv_error").inner_text()

    portal.page.locator("input[name=wording_sv]").fill(WORDING_SV)
    portal.page.locator("input[name=required]").check()
    portal.submit("main form button[type=submit]")
    question = FormQuestion.objects.get()
    assert question.versions.get().texts["en"]["wording"] == WORDING_EN
    assert WORDING_SV in portal.page.locator("main table").inner_text()
    portal.logout()

    # The resident meets the question on the form, in Swedish, and answers it.
    portal.visit("/idea/new/")
    field = portal.page.get_by_label(WORDING_SV)
    assert field.count() == 1
    fill_idea_form(portal.page)
    field.fill(ANSWER)
    portal.submit(SEND_IDEA)
    idea = Idea.objects.get()
    assert idea.form_answers.get().value == ANSWER

    # The committee reads the answer under the wording it was given to.
    portal.login(coordinator)
    portal.visit(f"/triage/ideas/{idea.reference}/")
    answers = portal.page.locator("#form-answers").inner_text()
    assert WORDING_SV in answers and ANSWER in answers
