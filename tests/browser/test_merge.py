"""Duplicates in a real browser: the coordinator finds a second village's idea among the similar
ideas, merges it (a refused try first, for what it lacks), sees both pages say so, and undoes
it; axe-core checks every page (issue 21)."""

from ideas import services, workflow
from ideas.models import Theme
from portal.outbox.models import Message
from tests.factories import municipality
from triage.review.merges import IdeaMerge


def _submit(title: str, email: str, place: str):
    return services.idea_submit(
        title=title,
        need=f"Byarna kring {place} har bara mobilt bredband som ofta slutar fungera.",
        description="Vi vill starta en fiberförening och gräva fiber till alla gårdar.",
        municipality=municipality("1885"),
        place=place,
        themes=[Theme.objects.order_by("pk").first()],
        submitter_name=f"Ägare i {place}",
        submitter_email=email,
    ).idea


def test_the_coordinator_merges_two_ideas_and_undoes_it(portal, coordinator):
    kept = _submit("Fiber till Ramsberg", "ramsberg@example.org", "Ramsberg")
    services.idea_transition(idea=kept, to=workflow.Status.SCREENING, actor=coordinator)
    twin = _submit("Fiber till Guldsmedshyttan", "guldsmedshyttan@example.org", "Guldsmedshyttan")

    portal.login(coordinator)
    portal.visit(f"/triage/ideas/{kept.reference}/")
    similar = portal.page.locator("#similar-ideas")
    assert twin.reference in similar.inner_text()

    # Merging the idea into itself is refused next to the field, and the typed text stays.
    field = portal.page.get_by_label("Referensnummer för idéerna som ska slås samman med den här")
    field.fill(kept.reference)
    portal.submit("#duplicates form[action$='/merge/'].row button[type=submit]")
    assert portal.page.locator("#error-summary").count() == 1
    assert "sig själv" in portal.page.locator("#duplicates").inner_text()
    assert portal.page.get_by_label(
        "Referensnummer för idéerna som ska slås samman med den här"
    ).input_value() == (kept.reference)

    # The similar idea's own button merges it.
    portal.submit(
        portal.page.get_by_role("button", name=f"Slå samman {twin.reference} med den här idén")
    )
    assert IdeaMerge.objects.filter(kept=kept, merged=twin, undone_at__isnull=True).exists()
    assert twin.reference in portal.page.locator("#merged-here").inner_text()
    told = Message.objects.filter(recipient="guldsmedshyttan@example.org").order_by("pk").last()
    assert "Arbetsutskottet hanterar nu de två idéerna tillsammans." in told.body_text
    assert "Ramsberg" not in told.body_text

    # The merged idea's page points to the kept one, and it has left the dashboard's list.
    portal.follow(portal.page.locator("#merged-here a", has_text=twin.reference))
    assert kept.reference in portal.page.locator("#merged-into").inner_text()
    portal.visit("/triage/")
    assert twin.reference not in portal.page.locator("main").inner_text()

    # Undone from the merged idea's page: it is handled on its own again and back in the list.
    portal.visit(f"/triage/ideas/{twin.reference}/")
    portal.submit(portal.page.get_by_role("button", name="Ångra sammanslagningen"))
    assert portal.page.locator("#merged-into").count() == 0
    assert IdeaMerge.objects.get().undone_at is not None
    portal.visit("/triage/")
    assert twin.reference in portal.page.locator("main").inner_text()
