"""The dashboard's list as a spreadsheet (sent by portal.spreadsheets): CSV or Excel, personal
data only when asked for."""

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ideas import questions, workflow
from ideas.models import Idea


def idea_export_rows(ideas: QuerySet[Idea], *, include_personal: bool) -> tablib.Dataset:
    """One row per idea with what the committee reads; the submitter's details only if asked."""
    headers = [
        _("Reference"),
        _("Submitted"),
        _("Status"),
        _("Title"),
        _("Municipality"),
        _("Village or place"),
        _("Rural"),
        _("Themes"),
        _("Kinds of support wanted"),
        _("Stage"),
        _("Channel"),
        _("Language"),
        _("The need or problem"),
        _("The idea"),
        _("Who benefits"),
        _("Kind of organisation"),
        _("Answers to the form's questions"),
    ]
    if include_personal:
        headers += [
            _("Name"),
            _("Email"),
            _("Phone"),
            _("Organisation"),
            _("Contact details may be shared"),
        ]
    data = tablib.Dataset(headers=headers)
    # Every field, whatever the list's query narrowed; the list's own order.
    ideas = (
        ideas.defer(None)
        .select_related("municipality")
        .prefetch_related("themes", "support_wanted", questions.answers_prefetch())
    )
    language = get_language() or "sv"
    for idea in ideas.iterator(chunk_size=500):
        row = [
            idea.reference,
            timezone.localtime(idea.created_at).strftime("%Y-%m-%d"),
            workflow.staff_label(idea.status),
            idea.title,
            idea.municipality.name,
            idea.place,
            _("yes") if idea.is_rural else _("no"),
            ", ".join(theme.name for theme in idea.themes.all()),
            ", ".join(kind.name for kind in idea.support_wanted.all()),
            idea.get_stage_display(),
            idea.get_channel_display(),
            idea.get_language_display(),
            idea.need,
            idea.description,
            idea.beneficiaries,
            idea.get_organisation_kind_display(),
            questions.export_cell(idea, language=language),
        ]
        if include_personal:
            row += [
                idea.submitter_name,
                idea.submitter_email,
                idea.submitter_phone,
                idea.organisation_name,
                _("yes") if idea.share_contact_with_partners else _("no"),
            ]
        data.append(row)
    return data
