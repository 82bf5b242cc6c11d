"""Every page a resident or a staff member reaches passes axe-core, in Swedish and in English."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas import services as idea_services
from ideas.models import Municipality, Theme
from partners.entries import entry_confirm
from partners.models import Partner
from tests.factories import (
    CriterionFactory,
    IdeaFactory,
    NoteFactory,
    PartnerFactory,
    ReferralFactory,
    ReviewFactory,
    ScoreFactory,
)

PUBLIC_PAGES = ["home", "ideas:submit", "login", "privacy_notice", "accessibility_statement"]
STAFF_PAGES = [
    "triage:dashboard",
    "triage:meeting",
    "triage:meeting_list",
    "triage:statistics",
    "triage:criterion_list",
    "triage:question_list",
    "triage:question_add",
    "triage:call_list",
    "outbox:list",
    "partners:list",
    "partners:weights",
    "partners:changes",
]


def test_the_accessibility_check_fails_on_a_page_that_breaks_wcag(portal, live_server):
    broken = (
        "<!doctype html><html><head><title>Broken</title></head><body><main>"
        '<img src="/static/none.png"><input type="text">'
        '<p style="color:#aaa;background:#fff">Faint</p></main></body></html>'
    )
    portal.page.route(
        f"{live_server.url}/broken/",
        lambda route: route.fulfill(body=broken, content_type="text/html"),
    )
    with pytest.raises(AssertionError) as failure:
        portal.visit("/broken/")
    report = str(failure.value)
    for rule in ("html-has-lang", "image-alt", "label", "color-contrast"):
        assert rule in report
    portal.unchecked.clear()


def test_the_check_fails_on_labels_and_links_that_point_at_the_wrong_element(portal, live_server):
    tangled = (
        '<!doctype html><html lang="sv"><head><title>Trassel</title></head><body><main>'
        '<h1>Trassel</h1><a href="#nowhere">Till felet</a>'
        '<label for="name">Namn</label><input id="name"><input id="name" aria-label="Namn 2">'
        "</main></body></html>"
    )
    portal.page.route(
        f"{live_server.url}/tangled/",
        lambda route: route.fulfill(body=tangled, content_type="text/html"),
    )
    with pytest.raises(AssertionError) as failure:
        portal.visit("/tangled/")
    assert "'duplicated': ['name']" in str(failure.value)
    assert "'links_to_nowhere': ['nowhere']" in str(failure.value)
    portal.unchecked.clear()


def test_a_page_reached_without_a_check_fails_the_test(portal, live_server):
    portal.page.goto(f"{live_server.url}/")
    portal.page.goto(f"{live_server.url}/privacy/")
    with pytest.raises(AssertionError, match="without an accessibility check"):
        portal.visit("/accessibility/")


@pytest.mark.parametrize("locale", ["sv-SE", "en-GB"])
def test_public_pages_pass_axe_in_both_languages(portal, locale):
    for name in PUBLIC_PAGES:
        portal.visit(reverse(name))
    submitted = idea_services.idea_submit(
        title="Bybuss till Ramsberg",
        description="En buss som går två gånger om dagen.",
        municipality=Municipality.objects.get(code="1885"),
        themes=[Theme.objects.get(slug="local-development")],
        submitter_email="a@example.org",
    )
    portal.visit(reverse("ideas:track", args=[submitted.tracking_token]))


def test_the_language_switch_speaks_its_own_language_and_works_by_keyboard(portal):
    page = portal.visit("/")
    assert page.locator("html").get_attribute("lang") == "sv"
    switch = page.locator("header button[name=language][value=en]")
    assert switch.get_attribute("lang") == "en"
    portal.tab_to("header button[name=language][value=en]")
    with portal.navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header button[name=language][value=sv]").get_attribute("lang") == "sv"


def test_staff_pages_pass_axe_with_data_on_them(portal, coordinator):
    partner = PartnerFactory(name="Hushållningssällskapet")
    # The entries' page with a change on it and an entry not confirmed for long.
    entry_confirm(partner=partner, contact=partner.contacts.get())
    stale = PartnerFactory(name="Gamla föreningen")
    Partner.objects.filter(pk=stale.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=400)
    )
    criterion = CriterionFactory(name="Samhällsbehov")
    idea = IdeaFactory(in_review=True, title="Fiber till Lerbäck", need="Ingen bredband.")
    review = ReviewFactory(idea=idea, member=coordinator, submitted=True)
    ScoreFactory(review=review, criterion=criterion, value=4)
    NoteFactory(idea=idea, author=coordinator)
    ReferralFactory(partner=partner)
    IdeaFactory(screening=True)

    question, call = _a_question_and_a_call()
    portal.login(coordinator)
    for name in STAFF_PAGES:
        portal.visit(reverse(name))
    portal.visit(reverse("triage:question_edit", args=[question.pk]))
    portal.visit(reverse("triage:call_edit", args=[call.pk]))
    portal.visit(reverse("partners:detail", args=[partner.slug]))
    portal.visit(reverse("triage:idea_detail", args=[idea.reference]))
    # A form sent with a mistake: the page with the errors passes too.
    new_note = portal.page.locator("main form[action$='/notes/']").last  # after the replies
    portal.submit(new_note.locator("button[type=submit]"))
    assert portal.page.locator("[aria-invalid=true]").count() >= 1


def _a_question_and_a_call():
    """A call for ideas open now, with a choice question of its own (issue 21)."""
    from ideas import questions
    from ideas.models import CallForIdeas

    today = timezone.localdate()
    call = CallForIdeas.objects.create(
        title={"sv": "Service på landsbygden 2027", "en": "Rural services 2027"},
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
    )
    question = questions.question_add(
        kind="choice",
        required=True,
        call=call,
        texts={
            "sv": {"wording": "Hur långt?", "help_text": "", "choices": ["Nära", "Långt"]},
            "en": {"wording": "How far?", "help_text": "", "choices": ["Near", "Far"]},
        },
    )
    return question, call


def test_a_failed_login_is_announced_and_keeps_the_user_name(portal, committee_member):
    page = portal.visit("/accounts/login/")
    clean_title = page.title()
    page.locator("#id_username").fill(committee_member.get_username())
    page.locator("#id_password").fill("not the password")
    portal.submit("main form button[type=submit]")
    assert portal.focused("#error-summary")
    assert page.title() != clean_title and page.title().endswith(clean_title)
    assert page.locator("#id_username").input_value() == committee_member.get_username()


@pytest.mark.parametrize("name", ["home", "ideas:submit", "privacy_notice"])
def test_public_pages_fit_a_narrow_phone_without_sideways_scrolling(portal, name):
    """WCAG 1.4.10 Reflow: at 320 CSS pixels nothing needs scrolling in two directions."""
    portal.page.set_viewport_size({"width": 320, "height": 640})
    page = portal.visit(reverse(name))
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: {overflow}px wider than a 320px screen"


# Issue 19's budget: every public page under 50 KB compressed with its CSS, before images.
WEIGHT_BUDGET = 50 * 1024
WEIGHED_PAGES = [
    "home",
    "ideas:submit",
    "ideas:lost_link",
    "ideas:short_code",
    "ideas:paper_form",
    "open_data",
    "how_it_works",
    "contact",
    "about",
    "privacy_notice",
    "accessibility_statement",
    "login",
]


@pytest.mark.parametrize("name", WEIGHED_PAGES)
def test_public_pages_send_no_javascript_and_weigh_under_50_kb(portal, name):
    """Count what the page fetches, compressed as the production server sends it."""
    import gzip

    fetched = []
    portal.page.on("requestfinished", lambda request: fetched.append(request))
    portal.visit(reverse(name))
    portal.page.wait_for_load_state("networkidle")
    scripts = [r.url for r in fetched if r.resource_type == "script"]
    # axe-core is injected by the harness through evaluate, never fetched by the page.
    assert scripts == []
    weight = sum(
        len(gzip.compress(r.response().body()))
        for r in fetched
        if r.response() and r.resource_type != "image"
    )
    assert weight < WEIGHT_BUDGET, f"{name} weighs {weight} bytes compressed"


BOUNDARY_CONTRAST_JS = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  return Array.from(document.querySelectorAll('main input, main select, main textarea'))
    .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
    .filter(el => el !== document.activeElement)  // a focused field has its focus ring
    .map(el => ({id: el.id || el.name,
                 ratio: ratio(rgb(getComputedStyle(el).borderTopColor).slice(0, 3),
                              background(el))}))
    .filter(field => field.ratio < 3);
}"""


@pytest.mark.parametrize("name", ["ideas:submit", "login"])
def test_the_edges_of_form_fields_stand_out_from_the_page(portal, name):
    """WCAG 1.4.11 Non-text contrast, which axe-core does not check: 3:1 for field borders."""
    page = portal.visit(reverse(name))
    assert page.evaluate(BOUNDARY_CONTRAST_JS) == []


def test_the_pages_for_a_wrong_address_and_a_wrong_role_pass_axe(portal, outreach_staff):
    page = portal.visit("/no-such-page/", expect_status=404)
    assert page.locator("main h1").count() == 1
    portal.visit("/track/not-a-real-token/", expect_status=404)
    portal.login(outreach_staff)
    page = portal.visit(reverse("triage:dashboard"), expect_status=403)
    assert page.locator("main h1").count() == 1


def test_a_right_to_left_language_turns_the_page_around_and_passes_axe(portal):
    page = portal.visit("/")
    portal.submit("header button[name=language][value=ar]")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator("link[rel=stylesheet][href*='rtl']").count() == 1
    portal.visit(reverse("ideas:submit"))
    assert page.locator("html").get_attribute("dir") == "rtl"


OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1
      && !el.closest('.table-responsive, .scroll-box') || el.getBoundingClientRect().left < -1)
    .slice(-3).map(el => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 40)}"`);
  return {overflow: root.scrollWidth - root.clientWidth, wide};
}"""


def _meeting_pages(coordinator, idea) -> list[str]:
    """A meeting with the idea on its agenda, decided: the agenda (a decision form for it) and
    the minutes."""
    from triage.review import meetings

    meeting = meetings.meeting_create(
        date=datetime.date(2026, 12, 10), title="Arbetsutskottet", actor=coordinator
    )
    item = meetings.agenda_add(meeting=meeting, ideas=[idea], actor=coordinator)[0]
    meetings.agenda_item_decide(
        item=item,
        decision=meetings.Decision(kind="hold", hold_until=datetime.date(2027, 2, 1)),
        actor=coordinator,
    )
    return [
        meeting.get_absolute_url(),
        reverse("triage:meeting_minutes", args=[meeting.public_id]),
    ]


def test_staff_pages_fit_a_narrow_phone_without_sideways_scrolling(portal, coordinator):
    """WCAG 1.4.10 Reflow on the committee's pages with data on them: wide tables scroll inside
    their own box, the page itself never sideways."""
    partner = PartnerFactory(name="Hushållningssällskapet i Örebro län med ett långt namn")
    criterion = CriterionFactory(name="Samhällsbehov och genomförbarhet i hela länet")
    idea = IdeaFactory(in_review=True, title="Fiber till Lerbäck", need="Ingen bredband.")
    review = ReviewFactory(idea=idea, member=coordinator, submitted=True)
    ScoreFactory(review=review, criterion=criterion, value=4)
    NoteFactory(idea=idea, author=coordinator)
    ReferralFactory(partner=partner)
    idea_services.idea_submit(
        title="Bybuss till Ramsberg",
        description="En buss som går två gånger om dagen.",
        municipality=Municipality.objects.get(code="1885"),
        themes=[Theme.objects.get(slug="local-development")],
        submitter_email="a-very-long-address-for-the-outbox@example.org",
    )
    portal.login(coordinator)
    portal.page.set_viewport_size({"width": 320, "height": 640})
    paths = [reverse(name) for name in STAFF_PAGES] + [
        reverse("partners:detail", args=[partner.slug]),
        reverse("triage:idea_detail", args=[idea.reference]),
        *_meeting_pages(coordinator, idea),
    ]
    too_wide = {}
    for path in paths:
        page = portal.visit(path)
        measured = page.evaluate(OVERFLOW_JS)
        if measured["overflow"] > 0:
            too_wide[path] = measured
    assert not too_wide, f"wider than a 320px screen: {too_wide}"


# WCAG 2.5.8 Target Size (Minimum): every target at least 24 × 24 CSS px, a box or radio
# counted with its label (pressing the label ticks it). Links inside a sentence are exempt.
SMALL_TARGETS_JS = """() => {
  const inSentence = el => el.tagName === 'A' && (() => {
    const parent = el.parentElement;
    const text = Array.from(parent.childNodes).filter(n => n.nodeType === 3)
      .map(n => n.textContent.trim()).join('');
    return text.length > 0;
  })();
  const box = el => {
    let r = el.getBoundingClientRect();
    const label = el.labels && el.labels[0];
    if (label && (el.type === 'checkbox' || el.type === 'radio')) {
      const l = label.getBoundingClientRect();
      r = {width: Math.max(r.right, l.right) - Math.min(r.left, l.left),
           height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)};
    }
    return r;
  };
  return Array.from(document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary'))
    .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden-focusable'))
    .filter(el => !inSentence(el))
    .map(el => ({el, r: box(el)}))
    .filter(({r}) => r.width < 24 || r.height < 24)
    .map(({el, r}) => `${el.tagName}${el.id ? '#' + el.id : ''}.${el.className} `
      + `"${(el.textContent || el.value || '').trim().slice(0, 30)}" `
      + `${Math.round(r.width)}x${Math.round(r.height)}`);
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_every_target_is_at_least_24_pixels_square(portal, coordinator, width):
    idea = IdeaFactory(in_review=True, title="Fiber till Lerbäck")
    CriterionFactory(name="Samhällsbehov")
    submitted = idea_services.idea_submit(
        title="Bybuss till Ramsberg",
        description="En buss som går två gånger om dagen.",
        municipality=Municipality.objects.get(code="1885"),
        themes=[Theme.objects.get(slug="local-development")],
        submitter_email="a@example.org",
    )
    portal.page.set_viewport_size({"width": width, "height": 800})
    small = {}
    public = [reverse(name) for name in ("home", "ideas:submit", "how_it_works", "contact")]
    for path in [*public, reverse("ideas:track", args=[submitted.tracking_token])]:
        found = portal.visit(path).evaluate(SMALL_TARGETS_JS)
        if found:
            small[path] = found
    portal.login(coordinator)
    for path in [
        reverse("triage:dashboard"),
        reverse("triage:idea_detail", args=[idea.reference]),
        reverse("triage:meeting"),
        *_meeting_pages(coordinator, idea),
    ]:
        found = portal.visit(path).evaluate(SMALL_TARGETS_JS)
        if found:
            small[path] = found
    assert not small, f"targets under 24 × 24 px: {small}"


BAR_GEOMETRY_JS = """() => Array.from(document.querySelectorAll('svg.bar-chart > g')).map(row => {
  const [label, value] = Array.from(row.querySelectorAll('text'))
    .map(t => t.getBoundingClientRect());
  const bar = row.querySelector('rect').getBoundingClientRect();
  const svg = row.ownerSVGElement.getBoundingClientRect();
  return {label, value, bar, svg, html: row.outerHTML};
})"""


@pytest.mark.parametrize(("language", "rtl"), [("sv", False), ("ar", True)])
def test_bar_charts_read_in_the_pages_direction(portal, coordinator, settings, language, rtl):
    """Right to left, the labels stand right of their bars and the bars grow leftwards; the
    numbers sit past the bar's end on the page's white, never on the bar (WCAG 1.4.3). Staff
    pages are served in Arabic only once their catalogue is complete: the test offers it."""
    settings.STAFF_LANGUAGES = [*settings.STAFF_LANGUAGES, "ar"]
    for title in ("Fiber till Lerbäck", "Bybuss till Ramsberg", "Café i Bergslagen"):
        IdeaFactory(in_review=True, title=title)
    portal.login(coordinator)
    portal.visit("/")
    portal.submit(f"header button[name=language][value={language}]")
    page = portal.visit(reverse("triage:statistics"))
    assert page.locator("html").get_attribute("lang") == language
    rows = page.evaluate(BAR_GEOMETRY_JS)
    assert rows, "the statistics page drew no bar chart"
    for row in rows:
        label, value, bar, svg = row["label"], row["value"], row["bar"], row["svg"]
        for box in (label, value, bar):
            assert svg["left"] - 1 <= box["left"] and box["right"] <= svg["right"] + 1, json.dumps(
                row
            )
        if rtl:
            assert label["left"] >= bar["right"] - 1, json.dumps(row)
            assert value["right"] <= bar["left"] + 1, json.dumps(row)
        else:
            assert label["right"] <= bar["left"] + 1, json.dumps(row)
            assert value["left"] >= bar["right"] - 1, json.dumps(row)
