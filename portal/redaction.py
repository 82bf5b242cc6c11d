"""Finding a person's details in stored text in every form the portal writes them, for erasure.

A name, an address or a phone number reaches the database and the mail folder in more forms
than the one typed: HTML-escaped by the templates (`O'Hara` as `O&#x27;Hara`, older mails
`O&#39;Hara`, `&` as `&amp;`), in another case, wrapped over two lines, URL-encoded in a link,
a phone number with or without its spaces and dashes (or as +46), an address as `%40`. One
pattern matches them all, case-insensitively, so that erasure can replace them.
"""

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "[erased]"

# The escapes an HTML template (Django's `escape`, older Django, hand-written HTML) may use.
_ESCAPES = {
    "'": ("'", "&#x27;", "&#39;", "&#039;", "&apos;", "’"),
    '"': ('"', "&quot;", "&#34;", "&#x22;"),
    "&": ("&", "&amp;", "&#38;", "&#x26;"),
    "<": ("<", "&lt;", "&#60;", "&#x3c;"),
    ">": (">", "&gt;", "&#62;", "&#x3e;"),
    "@": ("@", "%40", "&#64;", "&#x40;"),
}
# Between the digits of a phone number: spaces, dashes, dots, slashes, brackets.
_PHONE_GAP = r"[\s\-./()\u2010-\u2015]*"
# A name's parts (first name, each half of a double surname) are erased too where they stand
# alone as a word, but only from this length: shorter parts are ordinary words.
NAME_PART_MIN = 3


def _char(char: str) -> str:
    if char in _ESCAPES:
        return "(?:" + "|".join(re.escape(form) for form in _ESCAPES[char]) + ")"
    if char.isspace():
        return r"(?:\s|&nbsp;|&#160;)+"
    return re.escape(char)


def _text_pattern(value: str) -> str:
    chars = []
    previous_space = False
    for char in value:
        if char.isspace():
            if not previous_space:
                chars.append(_char(char))
            previous_space = True
            continue
        previous_space = False
        chars.append(_char(char))
    return "".join(chars)


def _phone_pattern(value: str) -> str | None:
    """Digits in any spacing; a Swedish number also as +46 or 0046 without its leading 0."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 6:
        return None
    body = _PHONE_GAP.join(digits[1:])
    if value.strip().startswith("0") and not value.strip().startswith("00"):
        first = r"(?:0|\+46" + _PHONE_GAP + r"|0046" + _PHONE_GAP + r")"
    else:
        first = re.escape(digits[0])
    # Not a longer number's middle.
    return r"(?<!\d)" + first + _PHONE_GAP + body + r"(?!\d)"


def looks_like_phone(value: str) -> bool:
    return bool(re.fullmatch(r"[\d\s+\-./()]+", value)) and len(re.sub(r"\D", "", value)) >= 6


def name_parts(name: str) -> list[str]:
    """The first name, the surname and each half of a double surname: `Märta O'Hara-Öberg`
    gives `Märta`, `O'Hara-Öberg`, `O'Hara` and `Öberg`."""
    parts: list[str] = []
    for word in name.split():
        for part in (word, *word.split("-")):
            if len(part.strip("'-")) >= NAME_PART_MIN and part not in parts:
                parts.append(part)
    return parts


def value_forms(value: str) -> list[str]:
    """The regular expressions (without the case flag) of every form of one value."""
    value = value.strip()
    if not value:
        return []
    forms = [_text_pattern(value)]
    if looks_like_phone(value):
        phone = _phone_pattern(value)
        if phone:
            forms.append(phone)
    for encoded in {quote(value), quote_plus(value), quote(value, safe="")} - {value}:
        forms.append(re.escape(encoded))
    return forms


def personal_pattern(values: Iterable[str], *, names: Iterable[str] = ()) -> re.Pattern[str] | None:
    """One pattern for every form of `values`, and of the parts of each of `names` standing
    alone as words; None when there is nothing to look for. Longer forms come first, so that a
    name inside an organisation's name does not leave the rest of it."""
    forms = [form for value in values for form in value_forms(value)]
    for name in names:
        for part in name_parts(name):
            if part.strip() != name.strip():
                forms.extend(r"(?<!\w)" + form + r"(?!\w)" for form in value_forms(part))
    if not forms:
        return None
    unique = sorted(set(forms), key=len, reverse=True)
    return re.compile("|".join(unique), re.IGNORECASE)


def redact(text: str, pattern: re.Pattern[str] | None) -> str:
    """`text` with every match of `pattern` replaced by REDACTED."""
    if pattern is None or not text:
        return text
    return pattern.sub(REDACTED, text)


def redact_json(value: object, pattern: re.Pattern[str] | None) -> object:
    """A JSON value (as `JSONField` holds it) with every string in it redacted."""
    if isinstance(value, str):
        return redact(value, pattern)
    if isinstance(value, list):
        return [redact_json(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: redact_json(item, pattern) for key, item in value.items()}
    return value
