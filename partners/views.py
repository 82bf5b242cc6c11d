import base64

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import hooks, invitations, selectors
from partners.entries import (
    ConfirmLinkError,
    confirm_link_resolve,
    entry_confirm,
    entry_edit_save,
    recent_changes,
)
from partners.filters import PartnerFilter
from partners.forms import (
    ContactsFormSet,
    MatchingWeightsForm,
    PartnerEntryForm,
    RegistryImportForm,
)
from partners.models import (
    ChangeSource,
    MatchingWeights,
    Partner,
    PartnerContact,
    current_term,
    term_label,
)
from partners.registry_io import import_columns, registry_export, registry_import
from partners.services import matching_weights_update
from portal.cache import remember
from portal.roles import (
    COMMITTEE_ROLES,
    COORDINATING,
    AuthenticatedHttpRequest,
    Role,
    has_role,
    role_required,
)
from portal.spreadsheets import FORMATS, spreadsheet_response

DIRECTORY_PAGE_SIZE = 20
IMPORT_SALT = "partners.registry-import"
IMPORT_MAX_AGE = 60 * 60  # seconds a checked file may wait for its confirmation


@role_required(*COMMITTEE_ROLES)
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Read over and over, changed seldom: the filters, the table and its pages are kept until
    # something they show changes (selectors.partner_list_version), as the dashboard's are.
    list_html = remember(
        "partners:list",
        version=selectors.partner_list_version(
            query=request.GET.urlencode(), language=get_language() or "sv"
        ),
        compute=lambda: _partner_list_html(request),
        timeout=selectors.REGISTRY_PAGES_CACHE_SECONDS,
    )
    # Our own rendered template: safe to insert as it is.
    return render(
        request,
        "partners/partner_list.html",
        {"list_html": mark_safe(list_html)},  # noqa: S308
    )


def _partner_list_html(request: AuthenticatedHttpRequest) -> str:
    filterset = PartnerFilter(request.GET, queryset=selectors.partners_for_committee())
    partners = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(partners, 50).get_page(request.GET.get("page"))
    rows = selectors.attach_vocabulary_names(page)
    return render_to_string(
        "partners/includes/_partner_list.html",
        {"filter": filterset, "page": page, "rows": rows},
        request,
    )


def partner_directory(request: HttpRequest) -> HttpResponse:
    """The public list of the partners that agreed to be listed (no login, no contact persons)."""
    filterset = PartnerFilter(request.GET, queryset=selectors.published_partners())
    partners = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(partners, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/partner_directory.html", {"filter": filterset, "page": page})


@role_required(*COMMITTEE_ROLES)
def partner_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.select_related("confirmed_by"), slug=slug)
    # What the entry says, its open referrals and its load are kept as the list is
    # (selectors.partner_page_version); the contacts and their logins are read every time.
    parts = remember(
        "partners:detail",
        version=selectors.partner_page_version(partner=partner, language=get_language() or "sv"),
        compute=lambda: _partner_page_parts(request, partner),
        timeout=selectors.REGISTRY_PAGES_CACHE_SECONDS,
    )
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            # Our own rendered templates: safe to insert as they are.
            **{name: mark_safe(html) for name, html in parts.items()},  # noqa: S308
            "contacts": invitations.contacts_with_access(partner.contacts.all()),
            "can_invite": has_role(request.user, *COORDINATING),
        },
    )


def _partner_page_parts(request: AuthenticatedHttpRequest, partner: Partner) -> dict[str, str]:
    prefetch_related_objects([partner], "themes", "support_kinds", "municipalities")
    activity = hooks.referral_activity
    context = {
        "partner": partner,
        "stats": activity.stats(partner),
        "open_referrals": activity.open_referrals(partner),
    }
    templates = {
        "about_html": "partners/includes/_partner_about.html",
        "load_html": "partners/includes/_partner_load.html",
    }
    return {
        name: render_to_string(template, context, request) for name, template in templates.items()
    }


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def weights_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    weights = MatchingWeights.objects.filter(pk=MatchingWeights.SINGLETON_ID).first()
    form = MatchingWeightsForm(request.POST or None, instance=weights or MatchingWeights())
    if request.method == "POST" and form.is_valid():
        matching_weights_update(
            values={name: form.cleaned_data[name] for name in form.Meta.fields}, actor=request.user
        )
        messages.success(request, _("The matching weights are saved."))
        return redirect("partners:weights")
    status = 400 if form.errors else 200
    return render(
        request,
        "partners/matchingweights_form.html",
        {"form": form, "weights": weights},
        status=status,
    )


@role_required(*COORDINATING)
def registry_export_view(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """The registry as a file: Swedish headings and values, or the codes (?codes=1)."""
    if file_format not in FORMATS:
        return HttpResponse(status=404)
    codes = request.GET.get("codes") == "1"
    return spreadsheet_response(
        registry_export(codes=codes),
        file_format=file_format,
        filename=f"partners{'-codes' if codes else ''}-{timezone.localdate().isoformat()}",
        swedish=not codes,
    )


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def registry_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a file and see what it would change: nothing is written yet."""
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    report = token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = registry_import(content=content, file_format=upload.import_format, dry_run=True)
        if report.is_valid:
            # The checked file travels in the confirm form, signed so it cannot be swapped.
            token = signing.dumps(
                {"format": upload.import_format, "data": base64.b64encode(content).decode("ascii")},
                salt=IMPORT_SALT,
                compress=True,
            )
    status = 400 if form.errors or (report and not report.is_valid) else 200
    return render(
        request,
        "partners/registry_import.html",
        {"form": form, "report": report, "token": token, "columns": import_columns()},
        status=status,
    )


@require_POST
@role_required(*COORDINATING)
def registry_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        payload = signing.loads(
            request.POST.get("token", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("The checked file has expired. Upload it again."))
        return redirect("partners:import")
    report = registry_import(
        content=base64.b64decode(payload["data"]), file_format=payload["format"], dry_run=False
    )
    if not report.imported:
        # The registry changed since the preview and a row is no longer valid.
        return render(
            request,
            "partners/registry_import.html",
            {
                "form": RegistryImportForm(),
                "report": report,
                "token": None,
                "columns": import_columns(),
            },
            status=400,
        )
    count = len(report.rows)
    messages.success(
        request,
        ngettext(
            "The registry is imported: %(count)s row.",
            "The registry is imported: %(count)s rows.",
            count,
        )
        % {"count": count},
    )
    return redirect("partners:list")


# The partner's own entry: a logged-in partner contact edits and confirms its organisation's
# entry (never another's: the pages take no id, the organisation is the login's); and the
# one-click confirm link of the reminder mail, which works without login.


def _own_contact(request: AuthenticatedHttpRequest) -> PartnerContact:
    contact = selectors.contact_of_user(request.user)
    if contact is None:
        raise Http404
    return contact


@require_http_methods(["GET", "POST"])
@role_required(Role.PARTNER_CONTACT)
def entry_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    contact = _own_contact(request)
    partner = contact.partner
    data = request.POST if request.method == "POST" else None
    form = PartnerEntryForm(data, instance=partner)
    contacts = ContactsFormSet(data, instance=partner, prefix="contacts")
    contacts.keep = contact  # type: ignore[attr-defined]  # a PartnerContactFormSet
    if data is not None and form.is_valid() and contacts.is_valid():
        entry_edit_save(
            partner=partner,
            apply=lambda: (form.save(), contacts.save()),
            source=ChangeSource.PARTNER,
            actor=request.user,
            contact=contact,
        )
        messages.success(request, _("Thank you. Your organisation's entry is saved and confirmed."))
        return redirect("partner_portal:entry")
    errors = data is not None
    return render(
        request,
        "partners/partner_entry_form.html",
        {
            "partner": partner,
            "contact": contact,
            "form": form,
            "contacts": contacts,
            "term": term_label(current_term()),
        },
        status=400 if errors else 200,
    )


@require_POST
@role_required(Role.PARTNER_CONTACT)
def entry_confirm_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    contact = _own_contact(request)
    entry_confirm(partner=contact.partner, contact=contact, actor=request.user)
    messages.success(request, _("Thank you. Your organisation's entry is confirmed as correct."))
    return redirect("partner_portal:referral_list")


@require_http_methods(["GET", "POST"])
def entry_confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """Public, behind the signed link of the reminder mail: a GET shows the entry and a button;
    only the POST confirms."""
    try:
        link = confirm_link_resolve(token)
    except ConfirmLinkError as error:
        return render(
            request,
            "partners/partner_entry_confirm.html",
            {"problem": error.message, "coordinator_email": settings.COORDINATOR_EMAIL},
            status=error.status,
        )
    confirmed = False
    if request.method == "POST":
        entry_confirm(partner=link.partner, contact=link.contact)
        confirmed = True
    return render(
        request,
        "partners/partner_entry_confirm.html",
        {"partner": link.partner, "contact": link.contact, "confirmed": confirmed},
    )


@role_required(*COORDINATING)
def entry_changes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's view of the entries: recent changes, and the entries gone stale."""
    return render(
        request,
        "partners/partner_entry_changes.html",
        {
            "changes": recent_changes(),
            "stale": selectors.stale_partners()
            .select_related("confirmed_by")
            .order_by("confirmed_at", "name"),
            "stale_months": settings.PARTNER_STALE_MONTHS,
        },
    )
