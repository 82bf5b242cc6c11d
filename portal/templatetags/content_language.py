"""The language of what people wrote, marked where staff read it.

An idea is written in the language its owner chose (`Idea.language`), whatever the language of
the page around it: a screen reader reads the title in Arabic on an English page only if the
element says `lang="ar"`, and right-to-left text keeps its order only with `dir="rtl"`.
"""

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def lang_attrs(language: str | None) -> SafeString | str:
    """` lang="…" dir="…"` for an element that holds text written in `language`.

    Use it inside the tag: `<h1{{ idea.language|lang_attrs }}>{{ idea.title }}</h1>`. An empty or
    unknown code gives `dir="auto"`, so that the browser finds the direction from the text.
    """
    if not language:
        return ""
    try:
        bidi = translation.get_language_info(language)["bidi"]
    except KeyError:
        return format_html(' lang="{}" dir="auto"', language.split("-")[0])
    return format_html(' lang="{}" dir="{}"', language.split("-")[0], "rtl" if bidi else "ltr")
