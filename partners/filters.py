"""The filters of the committee's partner list; they live in the URL's query string."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ideas.models import Municipality, SupportKind, Theme
from partners.models import Partner, PartnerKind


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("Any theme"),
    )
    support = django_filters.ModelChoiceFilter(
        label=_("Kind of support"),
        field_name="support_kinds",
        queryset=SupportKind.objects.all(),
        to_field_name="slug",
        empty_label=_("Any support"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.filter(is_whole_county=False),
        to_field_name="code",
        method="covers",
        empty_label=_("Any municipality"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=PartnerKind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = Partner
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def covers(self, queryset: QuerySet, name: str, value: Municipality) -> QuerySet:
        """Partners that cover the municipality, counting those that cover the whole county."""
        # A subquery, not a join: a join would repeat partners and inflate their counts.
        covering = Partner.objects.filter(Q(municipalities=value) | Q(covers_whole_county=True))
        return queryset.filter(pk__in=covering.values("pk"))
