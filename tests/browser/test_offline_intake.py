"""A morning at a caravan stop with no network: three ideas taken offline, synced once each.

The network is switched off in the browser context, the way a tablet loses coverage outside a
rural grocery store. The figures the run measures (ideas queued, synced, duplicates, seconds
from the network's return to all synced) are printed at the end (`pytest -s` shows them).
"""

import struct
import time
import zlib

from django.urls import reverse

from ideas.models import EventKind, Idea, Municipality, OutreachEvent, Theme

TITLES = ("Bokbuss till byn", "Laddstolpar vid bygdegården", "Fiber till Hjulsjö")
FORM = "main form[data-offline-form]"
QUEUE = "[data-offline-queue] [data-offline-idea]"
CONTROLLED = "() => !!navigator.serviceWorker.controller"


def _choose_event(portal, page, event: OutreachEvent | None = None) -> OutreachEvent:
    event = event or OutreachEvent.objects.create(
        name="Karavanen vid Ica i Grythyttan",
        kind=EventKind.CARAVAN_TOUR,
        municipality=Municipality.objects.get(code="1863"),
        place="Utanför affären",
    )
    page = portal.visit(reverse("ideas:intake"))
    page.locator("main select[name=event]").select_option(str(event.pk))
    portal.submit("main button[name=choose]")
    assert page.url.endswith(reverse("ideas:intake_new"))
    return event


def _png() -> bytes:
    """A real 1×1 PNG, the kind a tablet's camera gives (only much smaller)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PHOTO = _png()


def _fill_idea(page, title: str, photo: bytes | None = None) -> None:
    page.locator(f"{FORM} [name=title]").fill(title)
    page.locator(f"{FORM} [name=description]").fill(f"{title}: det behövs här.")
    theme = Theme.objects.get(slug="local-development")
    page.locator(f"{FORM} input[name=themes][value='{theme.pk}']").check()
    for name in ("stage", "organisation_kind", "language"):
        radios = page.locator(f"{FORM} input[type=radio][name={name}]")
        if radios.count():
            radios.first.check()
    page.locator(f"{FORM} input[name=consent_confirmed]").check()
    if photo is not None:
        page.locator(f"{FORM} input[name=attachments]").set_input_files(
            {"name": "foto.png", "mimeType": "image/png", "buffer": photo}
        )


def _take_idea(page, title: str, photo: bytes | None = None) -> None:
    _fill_idea(page, title, photo)
    page.locator(f"{FORM} button[type=submit]").click()


def test_three_ideas_taken_with_no_network_are_synced_once_each(portal, page, outreach_staff):
    context = page.context
    portal.login(outreach_staff)
    _choose_event(portal, page)
    # Opened online at the start of the day: the worker is in place, the empty form cached.
    page.wait_for_function("() => document.querySelector('[data-offline-queue]').dataset.ready")
    page.wait_for_function(CONTROLLED)
    assert page.locator("[data-offline-queue]").is_hidden()  # nothing queued, network up

    context.set_offline(True)
    for number, title in enumerate(TITLES, start=1):
        # The second resident gives a photo with the idea.
        _take_idea(page, title, PHOTO if number == 2 else None)
        page.wait_for_function(f"() => document.querySelectorAll('{QUEUE}').length === {number}")
        # A clean tablet: the form is empty again for the next resident.
        assert page.locator(f"{FORM} [name=title]").input_value() == ""
        assert not page.locator(f"{FORM} input[name=consent_confirmed]").is_checked()
        assert page.locator(f"{FORM} input[name=attachments]").evaluate("i => i.files.length") == 0
    assert "krypterad" in page.locator("[data-offline-status]").inner_text()
    assert Idea.objects.count() == 0

    # Kept encrypted, under a key the page cannot read out; nothing in localStorage.
    stored = page.evaluate(STORED_JS)
    assert stored["records"] == 3 and stored["sealed"] == 3
    assert not any(title in stored["plain"] for title in TITLES)
    assert stored["files"] == 1 and "IHDR" not in stored["plain"]  # the photo, sealed too
    assert stored["extractable"] is False and stored["export_refused"] is True
    assert stored["local_storage"] == 0
    assert not any(title in stored["session_storage"] for title in TITLES)

    # The tablet restarts the page with no network: the form opens, the three ideas wait.
    with portal.navigation():
        reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    page.wait_for_function(f"() => document.querySelectorAll('{QUEUE}').length === 3")
    states = page.locator(QUEUE).evaluate_all("items => items.map(i => i.dataset.state)")
    assert states == ["waiting"] * 3
    page_text = page.locator("main").inner_text()
    assert not any(title in page_text for title in TITLES)  # states only, no resident's data
    assert page.locator(f"{FORM} [name=title]").input_value() == ""
    # Nor does the back button show a resident: with no network, every intake page is the
    # empty form.
    with portal.navigation():
        page.go_back()
    assert not any(title in page.content() for title in TITLES)
    with portal.navigation():
        page.go_forward()
    assert not any(title in page.content() for title in TITLES)
    page.wait_for_function(f"() => document.querySelectorAll('{QUEUE}').length === 3")

    # The network returns; the first sync is cut off after the server stored the ideas but
    # before the tablet heard back, so the tablet sends them all again.
    cut = []

    def cut_once(route):
        if not cut:
            cut.append(route.request.url)
            route.fetch()  # the server receives and stores them...
            cut.append(Idea.objects.count())
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    page.route("**/intake/sync/", cut_once)
    started = time.monotonic()
    context.set_offline(False)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{QUEUE}')].every(i => i.dataset.state === 'sent')",
        timeout=20_000,
    )
    seconds = time.monotonic() - started
    assert cut and cut[1] == 3, f"the first sync was not cut off after storing: {cut}"

    ideas = list(Idea.objects.order_by("title"))
    assert sorted(idea.title for idea in ideas) == sorted(TITLES)
    assert len({idea.device_id for idea in ideas}) == 3
    shown = page.locator(QUEUE).all_inner_texts()
    for idea in ideas:
        assert idea.registered_by == outreach_staff and idea.outreach_event is not None
        assert sum(idea.reference in text for text in shown) == 1
    # Exactly the idea that had the photo has it, byte for byte, checked as a PNG.
    with_photo = [idea for idea in ideas if idea.attachments.exists()]
    assert [idea.title for idea in with_photo] == [TITLES[1]]
    attachment = with_photo[0].attachments.get()
    assert attachment.content_type == "image/png" and attachment.file.read() == PHOTO
    # Synced ideas have left the tablet: only their code, state and reference stay.
    stored = page.evaluate(STORED_JS)
    assert stored["sealed"] == 0 and not any(title in stored["plain"] for title in TITLES)

    duplicates = len(ideas) - len({idea.title for idea in ideas})
    assert duplicates == 0
    print(
        f"\noffline intake: queued {len(TITLES)}, synced {len(ideas)}, "
        f"duplicates {duplicates}, network back -> synced {seconds:.2f} s"
    )

    # Logging out empties the tablet's queue and the cached form.
    portal.logout()
    left = page.evaluate(LEFT_AFTER_LOGOUT_JS)
    assert left == {"databases": [], "caches": []}


def test_the_queue_outlasts_a_session_that_ended_and_is_sent_after_logging_in_again(
    portal, page, outreach_staff, settings
):
    settings.STAFF_SESSION_IDLE_SECONDS = 14
    settings.STAFF_SESSION_WARNING_SECONDS = 3
    portal.login(outreach_staff)
    event = _choose_event(portal, page)
    page.wait_for_function("() => document.querySelector('[data-offline-queue]').dataset.ready")
    page.wait_for_function(CONTROLLED)
    page.context.set_offline(True)
    _take_idea(page, TITLES[0])
    page.wait_for_function(f"() => document.querySelectorAll('{QUEUE}').length === 1")
    # Staff are away from the tablet: the session ends while the idea waits.
    page.locator("#session-timeout [data-session-ended]").wait_for(state="visible", timeout=25_000)
    time.sleep(1)
    page.keyboard.press("Escape")
    page.context.set_offline(False)
    status = page.locator("[data-offline-status]")
    status.filter(has_text="Logga in igen").wait_for()
    assert page.locator(QUEUE).get_attribute("data-state") == "waiting"
    assert Idea.objects.count() == 0

    # Logged in again, the event chosen again: the page sends the waiting idea by itself.
    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 60
    portal.login(outreach_staff)
    _choose_event(portal, page, event)
    page.wait_for_function(
        f"() => document.querySelector('{QUEUE}')?.dataset.state === 'sent'", timeout=15_000
    )
    idea = Idea.objects.get()
    assert idea.title == TITLES[0] and idea.registered_by == outreach_staff
    assert idea.reference in page.locator(QUEUE).inner_text()


def test_offline_the_resident_gets_a_provisional_receipt_gone_for_the_next(
    portal, page, outreach_staff
):
    portal.login(outreach_staff)
    event = _choose_event(portal, page)
    page.wait_for_function("() => document.querySelector('[data-offline-queue]').dataset.ready")
    page.wait_for_function(CONTROLLED)
    page.context.set_offline(True)
    # Too big a photo: said, nothing kept, nothing typed lost.
    page.evaluate(f"() => document.querySelector('{FORM}').dataset.maxBytes = '10'")
    _take_idea(page, TITLES[0], PHOTO)
    error = page.locator(f"{FORM} [data-offline-file-error]")
    error.wait_for()
    assert "foto.png" in error.inner_text()
    assert page.locator(f"{FORM} [name=title]").input_value() == TITLES[0]
    assert page.locator(QUEUE).count() == 0
    page.evaluate(f"() => document.querySelector('{FORM}').dataset.maxBytes = '10485760'")
    page.locator(f"{FORM} button[type=submit]").click()
    receipt = page.locator("[data-offline-receipt]")
    receipt.wait_for()
    page.wait_for_function(f"() => document.querySelectorAll('{QUEUE}').length === 1")
    code = page.locator(QUEUE).inner_text().split(":")[0].split()[-1]
    text = receipt.inner_text()
    assert code and code in text and TITLES[0] in text
    assert event.name in text and event.place in text
    assert "Tillfällig kod" in text and "referensnummer" in text
    # Next resident: the receipt goes, the form is empty.
    page.locator("[data-offline-next]").click()
    assert receipt.is_hidden() and TITLES[0] not in page.locator("main").inner_text()
    assert page.locator(f"{FORM} [name=title]").input_value() == ""
    # It also goes when the next idea is begun.
    _take_idea(page, TITLES[1])
    receipt.wait_for()
    page.locator(f"{FORM} [name=title]").fill("Nästa")
    assert receipt.is_hidden()


def test_online_staff_attach_a_photo_to_the_idea(portal, page, outreach_staff):
    portal.login(outreach_staff)
    _choose_event(portal, page)
    with portal.navigation():
        _take_idea(page, TITLES[0], PHOTO)
    idea = Idea.objects.get()
    assert idea.reference in page.locator("main").inner_text()
    attachment = idea.attachments.get()
    assert attachment.content_type == "image/png" and attachment.file.read() == PHOTO


def test_without_javascript_the_intake_works_as_today(portal_without_js, outreach_staff):
    portal = portal_without_js
    page = portal.page
    portal.login(outreach_staff)
    _choose_event(portal, page)
    assert page.locator("[data-offline-queue]").is_hidden()
    with portal.navigation():
        _take_idea(page, "Bokbuss till byn")
    idea = Idea.objects.get()
    assert idea.device_id is None and idea.reference in page.locator("main").inner_text()


STORED_JS = """async () => {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open('idelotsen-intake');
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
  });
  const get = (store, key) => new Promise((ok, no) => {
    const r = key === undefined ? db.transaction(store).objectStore(store).getAll()
                                : db.transaction(store).objectStore(store).get(key);
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
  });
  const records = await get('queue');
  const key = await get('keys', 'queue');
  const decoder = new TextDecoder();
  let plain = JSON.stringify(records);
  let files = 0;
  for (const r of records) if (r.sealed) plain += decoder.decode(r.sealed);
  for (const r of records) {
    for (const f of (r.files || [])) { files++; plain += decoder.decode(f.sealed); }
  }
  let exportRefused = false;
  try { await crypto.subtle.exportKey('raw', key); } catch (e) { exportRefused = true; }
  db.close();
  return {
    records: records.length,
    sealed: records.filter(r => r.sealed).length,
    files,
    plain,
    extractable: key.extractable,
    export_refused: exportRefused,
    local_storage: localStorage.length,
    session_storage: JSON.stringify(Object.entries(sessionStorage)),
  };
}"""

LEFT_AFTER_LOGOUT_JS = """async () => ({
  databases: (await indexedDB.databases()).map(d => d.name).filter(n => n === 'idelotsen-intake'),
  caches: (await caches.keys()).filter(n => n === 'idelotsen-intake-shell'),
})"""
