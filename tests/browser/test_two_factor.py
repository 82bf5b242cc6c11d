"""Two-step login for the committee, in a real browser: set up, a wrong code, backup codes."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def _code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def test_a_coordinator_sets_up_two_step_login_and_reaches_the_dashboard(
    portal, coordinator, settings
):
    settings.STAFF_2FA_REQUIRED = True
    portal.login(coordinator)
    page = portal.page
    assert "/accounts/2fa/setup/" in page.url
    assert page.locator("main [role=img][aria-label] svg").count() == 1

    page.locator("#id_code").fill("000000")
    portal.submit("main form button[type=submit]")
    assert portal.focused("#error-summary")
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"

    # A person takes longer than django-otp's one-second pause after a wrong code.
    TOTPDevice.objects.filter(user=coordinator).update(throttling_failure_count=0)
    page.locator("#id_code").fill(_code(TOTPDevice.objects.get(user=coordinator)))
    portal.submit("main form button[type=submit]")
    assert page.locator("#backup-codes li").count() == 10
    portal.follow("main a.btn-primary")
    assert page.url.endswith("/triage/")
