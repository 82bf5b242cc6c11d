from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from ideas.models import PRIVACY_TEXT_VERSION, IdeaDraft
from portal.branding import branding
from portal.forms import AccessibilityReportForm
from portal.ratelimits import rate_count, rate_used_up
from portal.roles import COMMITTEE_ROLES, Role, has_role
from portal.services import accessibility_report_send


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send a user who just logged in to the page their role works from."""
    user = request.user
    if has_role(user, *COMMITTEE_ROLES):
        return redirect("triage:dashboard")
    if has_role(user, Role.OUTREACH_STAFF):
        return redirect("ideas:intake")
    if has_role(user, Role.PARTNER_CONTACT):
        return redirect("partner_portal:referral_list")
    return redirect("home")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/privacy_notice.html",
        {
            "version": PRIVACY_TEXT_VERSION,
            "controller": settings.PRIVACY_CONTROLLER,
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "retention_months": settings.IDEA_RETENTION_MONTHS,
            "draft_days": IdeaDraft.LIFETIME.days,
            "held_hours": settings.IDEAS_HELD_FILES_HOURS,
        },
    )


def how_it_works(request: HttpRequest) -> HttpResponse:
    """What happens to an idea once it is sent, with the figures the portal works by."""
    return render(
        request,
        "portal/how_it_works.html",
        {
            "retention_months": settings.IDEA_RETENTION_MONTHS,
            "reminder_days": settings.REFERRAL_REMINDER_DAYS,
            "escalation_days": settings.REFERRAL_ESCALATION_DAYS,
            "ageing_days": settings.TRIAGE_AGEING_DAYS,
        },
    )


def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/contact.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/about.html")


@cache_control(public=True, max_age=60 * 60)
def brand_css(request: HttpRequest) -> HttpResponse:
    """The partnership's colours as CSS custom properties (the CSP allows no inline style)."""
    return HttpResponse(branding().css(), content_type="text/css; charset=utf-8")


REPORT_RATE_GROUP = "portal.accessibility_report"
# Digg's form for reporting a website that does not meet the law (DOS-lagen).
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"


@require_http_methods(["GET", "POST"])
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    form = AccessibilityReportForm(request.POST or None)
    context = {
        "form": form,
        "responsible_body": settings.ACCESSIBILITY_RESPONSIBLE_BODY,
        "assessed_on": date.fromisoformat(settings.ACCESSIBILITY_ASSESSED_ON),
        "reviewed_on": date.fromisoformat(settings.ACCESSIBILITY_REVIEWED_ON),
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
        "digg_report_url": DIGG_REPORT_URL,
    }
    if request.method == "POST" and rate_used_up(
        request, group=REPORT_RATE_GROUP, rate_setting="ACCESSIBILITY_REPORT_RATE"
    ):
        context["page_problem"] = _(
            "Many reports have been sent from your connection in a short time. Please wait an "
            "hour and try again. What you wrote is kept below."
        )
        return render(request, "portal/accessibility_statement.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["website"]:
            accessibility_report_send(
                page=form.cleaned_data["page"],
                description=form.cleaned_data["description"],
                email=form.cleaned_data["email"],
            )
        rate_count(request, group=REPORT_RATE_GROUP, rate_setting="ACCESSIBILITY_REPORT_RATE")
        messages.success(
            request, _("Thank you. We have received your report and will look into it.")
        )
        return redirect("accessibility_statement")
    return render(request, "portal/accessibility_statement.html", context)
