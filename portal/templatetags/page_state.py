"""What state the page is in, for the parts of base.html that every page shares."""

from collections.abc import Iterable

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.template.context import Context

register = template.Library()


def _has_errors(value: object) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


@register.simple_tag(takes_context=True)
def page_has_errors(context: Context) -> bool:
    """Whether the page shows a form with errors or a problem (`page_problem`) instead of it.

    Every form in the context counts, also those a view puts in a list or a dict of rows (the
    idea page's referral rows), so that a page says "Error:" in its title whatever its forms are
    called; querysets and other values are never evaluated.
    """
    values = context.flatten().values()
    if context.get("page_problem"):
        return True
    for value in values:
        if _has_errors(value):
            return True
        nested: Iterable[object] = ()
        if isinstance(value, list | tuple):
            nested = value
        elif isinstance(value, dict):
            nested = value.values()
        for item in nested:
            if _has_errors(item):
                return True
            if isinstance(item, dict) and any(_has_errors(v) for v in item.values()):
                return True
    return False
