import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ideas import workflow
from ideas.models import Idea, IdeaEvent, Theme
from tests.factories import IdeaFactory, ThemeFactory, municipality
from triage.insights.statistics import DECISION_STATES

pytestmark = pytest.mark.django_db


def test_statistics_show_ideas_per_municipality_with_a_map_and_a_table(committee_client):
    for _ in range(3):
        IdeaFactory(municipality=municipality("1880"))
    IdeaFactory(municipality=municipality("1864"), is_rural=True)

    page = committee_client.get(reverse("triage:statistics")).content.decode()

    table = page[page.index('id="municipality-table"') :]
    assert re.search(r"Örebro</th><td class=\"text-end\">3</td>", table)
    assert re.search(r"Ljusnarsberg</th><td class=\"text-end\">1</td>", table)
    assert '<svg class="tile-map"' in page
    assert page.count("<rect width=") == 12


def test_the_quietest_municipalities_are_named_for_the_next_caravan_tour(committee_client):
    busy = ["1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1883"]
    for code in busy:
        IdeaFactory(municipality=municipality(code))
    page = committee_client.get(reverse("triage:statistics")).content.decode()
    quiet = page[page.index('id="quiet-municipalities"') :].split("</ol>")[0]
    assert {"Askersund", "Nora", "Lindesberg"} == set(re.findall(r"<li>(\w+) \(0\)", quiet))


def test_the_period_filter_leaves_out_older_ideas(committee_client):
    IdeaFactory(created_at=timezone.now() - timedelta(days=400))
    IdeaFactory()
    today = timezone.localdate()
    response = committee_client.get(
        reverse("triage:statistics"),
        {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()},
    )
    assert re.search(r'id="total-ideas">1<', response.content.decode())


def test_an_inverted_period_is_explained_next_to_the_field(committee_client):
    response = committee_client.get(
        reverse("triage:statistics"), {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert 'href="#id_end"' in response.content.decode()


def test_the_period_form_gives_back_each_readers_dates_and_errors_in_their_language(
    committee_client,
):
    """The form is kept per language and address (base.html's fragments): each reader still
    gets their own dates back, and a mistake is explained whatever was asked before."""
    url = reverse("triage:statistics")

    def form_of(query: dict, language: str = "sv") -> str:
        page = committee_client.get(url, query, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        form = page[page.index('<form method="get" class="row g-3') :].split("</form>")[0]
        return " ".join(form.split())

    spring = form_of({"start": "2026-03-01", "end": "2026-05-31"})
    assert 'value="2026-03-01"' in spring and 'value="2026-05-31"' in spring
    assert 'class="form-label"> Från </label>' in spring
    autumn = form_of({"start": "2026-09-01", "end": "2026-11-30"})
    assert 'value="2026-09-01"' in autumn and 'value="2026-03-01"' not in autumn
    english = form_of({"start": "2026-03-01", "end": "2026-05-31"}, "en")
    assert 'class="form-label"> From </label>' in english and "Från" not in english
    assert 'value="2026-03-01"' in english
    inverted = form_of({"start": "2026-05-31", "end": "2026-03-01"})
    assert "Slutdatumet måste vara samma som eller efter startdatumet." in inverted
    assert 'aria-describedby="id_end_error"' in inverted
    # The address without its mistake again: nothing of the error is kept.
    assert "aria-invalid" not in form_of({"start": "2026-03-01", "end": "2026-05-31"})


def test_median_days_to_referral_is_computed_from_the_history(committee_client):
    now = timezone.now()
    for days in (2, 4, 10):
        idea = IdeaFactory(created_at=now - timedelta(days=20))
        IdeaEvent.objects.create(
            idea=idea,
            from_status=workflow.Status.IN_REVIEW,
            to_status=workflow.Status.REFERRED,
            created_at=now - timedelta(days=20 - days),
        )
    response = committee_client.get(reverse("triage:statistics"))
    assert response.context["summary"]["median_days_to_referral"] == 4.0


def count_queries(client) -> int:
    cache.clear()  # the cost of counting, not of the figures kept (tests/test_query_counts.py)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("triage:statistics")).status_code == 200
    return len(queries.captured_queries)


def test_the_page_costs_the_same_number_of_queries_with_more_ideas(committee_client):
    theme = Theme.objects.first() or ThemeFactory()
    IdeaFactory(themes=[theme])
    committee_client.get(reverse("triage:statistics"))  # the session settles on first use
    few = count_queries(committee_client)
    for code in ("1880", "1881", "1882", "1883", "1884"):
        for _ in range(4):
            idea = IdeaFactory(municipality=municipality(code), themes=[theme])
            IdeaEvent.objects.create(idea=idea, to_status=workflow.Status.REFERRED)
    assert count_queries(committee_client) == few <= 20


def test_other_roles_cannot_see_the_statistics(client, partner_contact):
    client.force_login(partner_contact)
    assert client.get(reverse("triage:statistics")).status_code == 403


def test_the_open_data_export_holds_aggregates_only_and_hides_small_counts(committee_client):
    theme = ThemeFactory(slug="broadband-x")
    for _ in range(3):
        IdeaFactory(
            municipality=municipality("1880"),
            themes=[theme],
            submitter_email="secret-person@example.org",
            title="Hemlig titel",
        )
    IdeaFactory(municipality=municipality("1864"), themes=[theme])

    response = committee_client.get(reverse("triage:open_data_csv"))

    body = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")
    lines = body.strip().splitlines()
    assert lines[0] == "month,municipality_code,municipality,theme,ideas"
    assert any(line.endswith(",1880,Örebro,broadband-x,3") for line in lines)
    assert any(line.endswith(",1864,Ljusnarsberg,broadband-x,<3") for line in lines)
    assert "secret-person" not in body and "Hemlig titel" not in body

    # The committee is told not to publish it, and where the publishable figures are.
    page = committee_client.get(reverse("triage:statistics"), HTTP_ACCEPT_LANGUAGE="sv")
    text = " ".join(page.content.decode().split())
    assert "publicera inte den här filen" in text
    assert f'<a href="{reverse("open_data")}">' in text
    assert "inga personuppgifter" not in text


def ideas_decided(count: int, *, first: int = 0) -> None:
    """Ideas of the period, each screened on its first day: most decided after some days,
    every third of those referred, some of these put on hold before."""
    now = timezone.now()
    start = now - timedelta(days=60)
    for n in range(first, first + count):
        idea = IdeaFactory(created_at=start, is_rural=n % 2 == 0)
        IdeaEvent.objects.create(
            idea=idea, to_status=workflow.Status.SCREENING, created_at=start + timedelta(hours=2)
        )
        if n % 5 == 4:
            continue  # not decided yet
        to = workflow.Status.REFERRED if n % 3 == 0 else workflow.Status.DECLINED
        decided = start + timedelta(days=1 + (n * 7) % 23, hours=n % 5)
        IdeaEvent.objects.create(
            idea=idea, from_status=workflow.Status.IN_REVIEW, to_status=to, created_at=decided
        )
        if to == workflow.Status.REFERRED and n % 2 == 0:
            IdeaEvent.objects.create(
                idea=idea,
                from_status=workflow.Status.IN_REVIEW,
                to_status=workflow.Status.ON_HOLD,
                created_at=decided - timedelta(days=n % 4 + 1),
            )


def expected_summary() -> dict:
    """The figures as the page gave them when it read every idea into Python."""
    from statistics import median

    to_decision, to_referral = [], []
    for idea in Idea.objects.prefetch_related("events"):
        decided = [e.created_at for e in idea.events.all() if e.to_status in DECISION_STATES]
        referred = [
            e.created_at for e in idea.events.all() if e.to_status == workflow.Status.REFERRED
        ]
        if decided:
            to_decision.append((min(decided) - idea.created_at).total_seconds() / 86400)
        if referred:
            to_referral.append((min(referred) - idea.created_at).total_seconds() / 86400)
    ideas = Idea.objects.count()
    return {
        "total": ideas,
        "rural_share": Idea.objects.filter(is_rural=True).count() / ideas,
        "median_days_to_decision": round(median(to_decision), 1),
        "median_days_to_referral": round(median(to_referral), 1),
    }


def test_the_summary_is_the_median_of_every_idea_in_the_same_queries_from_5_to_50(
    committee_client,
):
    ideas_decided(5)
    committee_client.get(reverse("triage:statistics"))  # the session settles on first use
    few = count_queries(committee_client)
    summary = committee_client.get(reverse("triage:statistics")).context["summary"]
    assert summary == pytest.approx(expected_summary())

    ideas_decided(45, first=5)

    assert count_queries(committee_client) == few
    summary = committee_client.get(reverse("triage:statistics")).context["summary"]
    assert summary["total"] == 50
    assert summary == pytest.approx(expected_summary())
    page = committee_client.get(reverse("triage:statistics")).content.decode()
    assert re.search(r'id="total-ideas">50<', page)


def test_the_theme_chart_counts_the_periods_ideas_most_first_and_shows_every_theme(
    committee_client,
):
    Theme.objects.all().delete()
    fibre = ThemeFactory(slug="fibre-x", name_sv="Fiber", order=3)
    buses = ThemeFactory(slug="buses-x", name_sv="Bussar", order=1)
    shops = ThemeFactory(slug="shops-x", name_sv="Lanthandel", order=2)
    quiet = ThemeFactory(slug="quiet-x", name_sv="Kultur", order=0)
    for _ in range(3):
        IdeaFactory(themes=[fibre, buses])
    IdeaFactory(themes=[shops])
    # Older than the period: counted nowhere.
    for _ in range(4):
        IdeaFactory(themes=[quiet, shops], created_at=timezone.now() - timedelta(days=400))

    page = committee_client.get(reverse("triage:statistics")).content.decode()

    chart = page[page.index('id="chart-themes-title"') :].split("</figure>")[0]
    table = chart[chart.index("<tbody>") :]
    rows = re.findall(
        r'<th scope="row" class="fw-normal">(\w+)</th><td class="text-end">(\d+)<', table
    )
    # Most ideas first; at equal counts, in the themes' order (Bussar 1 before Fiber 3).
    assert rows == [("Bussar", "3"), ("Fiber", "3"), ("Lanthandel", "1"), ("Kultur", "0")]
