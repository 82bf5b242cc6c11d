"""The dashboard's filters, kept in the URL so a view of the list can be shared."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, TypeAlias, TypedDict

import django_filters
from django import forms
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Channel, Idea, Municipality, OutreachEvent, SupportKind, Theme
from ideas.search import search_ideas
from ideas.workflow import Status
from triage.review.fields import FastSelect

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations


class _Marks(TypedDict):
    """What selectors.dashboard_ideas and the search annotate each idea of the list with."""

    is_ageing: bool
    scored_by_me: bool
    conflict_declared_by_me: bool
    assigned_to_me: bool
    rank: float


Ideas: TypeAlias = "QuerySet[WithAnnotations[Idea, _Marks]]"


class AgeChoice:
    AGEING = "ageing"
    WEEK = "week"
    MONTH = "month"
    CHOICES = [
        (AGEING, _("Waiting too long")),
        (WEEK, _("Submitted in the last 7 days")),
        (MONTH, _("Submitted in the last 30 days")),
    ]


class IdeaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All"), widget=FastSelect
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    rural = django_filters.BooleanFilter(
        label=_("Rural area"),
        field_name="is_rural",
        widget=FastSelect(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("All"), widget=FastSelect
    )
    support = django_filters.ModelChoiceFilter(
        label=_("Support wanted"),
        field_name="support_wanted",
        queryset=SupportKind.objects.all(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    age = django_filters.ChoiceFilter(
        label=_("Age"),
        choices=AgeChoice.CHOICES,
        method="by_age",
        empty_label=_("All"),
        widget=FastSelect,
    )
    # A ticked box sends "true", so that a shared link reads as what it filters.
    not_scored_by_me = django_filters.BooleanFilter(
        label=_("Not yet scored by me"),
        method="by_not_scored",
        widget=forms.CheckboxInput(attrs={"value": "true"}),
    )
    assigned_to_me = django_filters.BooleanFilter(
        label=_("Assigned to me"),
        method="by_assigned",
        widget=forms.CheckboxInput(attrs={"value": "true"}),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("created_at", "submitted"),
            ("waiting_since", "waiting"),
            ("title", "title"),
            ("municipality__name", "municipality"),
            ("status", "status"),
            ("review_count", "reviews"),
        ),
        # Both directions named in words, lazily: django-filter's own "%s (descending)" is
        # formatted once at import, so it would stay in English whatever the page language.
        field_labels={
            "created_at": _("Submitted (oldest first)"),
            "-submitted": _("Submitted (newest first)"),
            "waiting_since": _("Waiting (longest first)"),
            "-waiting": _("Waiting (shortest first)"),
            "title": _("Title (A–Z)"),
            "-title": _("Title (Z–A)"),
            "municipality__name": _("Municipality (A–Z)"),
            "-municipality": _("Municipality (Z–A)"),
            "status": _("Status"),
            "-status": _("Status (reverse order)"),
            "review_count": _("Reviews (fewest first)"),
            "-reviews": _("Reviews (most first)"),
        },
        empty_label=_("Newest first"),
        widget=FastSelect,
    )
    event = django_filters.ModelChoiceFilter(
        label=_("Outreach event"),
        field_name="outreach_event",
        queryset=OutreachEvent.objects.all(),
        empty_label=_("All"),
        widget=FastSelect,
    )

    class Meta:
        model = Idea
        fields: list[str] = []

    def search(self, queryset: Ideas, name: str, value: str) -> QuerySet[Idea]:
        found = search_ideas(queryset, value)
        if connection.vendor == "postgresql" and not self.data.get("sort"):
            found = found.order_by(F("rank").desc(), "-created_at")
        return found

    def by_age(self, queryset: Ideas, name: str, value: str) -> Ideas:
        now = timezone.now()
        if value == AgeChoice.AGEING:
            return queryset.filter(is_ageing=True)
        if value == AgeChoice.WEEK:
            return queryset.filter(created_at__gte=now - timedelta(days=7))
        if value == AgeChoice.MONTH:
            return queryset.filter(created_at__gte=now - timedelta(days=30))
        return queryset

    def by_not_scored(self, queryset: Ideas, name: str, value: bool) -> Ideas:
        # A member who declared a conflict will never score the idea: it is not "to do".
        return (
            queryset.filter(scored_by_me=False, conflict_declared_by_me=False)
            if value
            else queryset
        )

    def by_assigned(self, queryset: Ideas, name: str, value: bool) -> Ideas:
        return queryset.filter(assigned_to_me=True) if value else queryset
