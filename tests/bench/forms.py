"""Reading the portal's HTML the way the bench's simulated visitors need: fill a form, read errors.

Plain standard library, no Locust, so the test suite can import it.
"""

import re
import secrets
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

TEXT_FILLED_IN = "Mötesplats i gamla skolan"  # a text field's answer; the first is the title
SKIP_BUTTON = re.compile(r"draft|save|later|spara|utkast|cancel|avbryt", re.IGNORECASE)
HIDDEN_CLASS = re.compile(
    r"honeypot|\bhp\b|\bhp-|trap|\bd-none\b|\bvisually-hidden\b|\bsr-only\b|\bhidden\b",
    re.IGNORECASE,
)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_SUMMARY = re.compile(r'id="error-summary".*?<ul[^>]*>(.*?)</ul>', re.DOTALL)
ERROR_TEXT = re.compile(
    r'<[^>]+class="[^"]*(?:alert-danger|invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</(?:div|ul)>',
    re.DOTALL,
)
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class SetupFailed(Exception):
    """A page the bench needs before measuring did not work."""


class FormParser(HTMLParser):
    """Collect every form of a page with its fields, noting fields hidden from people."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._stack: list[tuple[str, bool]] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        hides = (
            "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or "display:none" in attrs.get("style", "").replace(" ", "")
            or bool(HIDDEN_CLASS.search(attrs.get("class", "")))
        )
        if tag == "form":
            self._form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action", ""),
                "fields": [],
                "enctype": attrs.get("enctype", "application/x-www-form-urlencoded"),
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "textarea", "select", "button"}:
            field = {
                "tag": tag,
                "attrs": attrs,
                "hidden_from_people": self._hidden() or hides,
                "options": [],
            }
            self._form["fields"].append(field)
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self._select["options"].append(self._option)
        if tag not in VOID:
            self._stack.append((tag, hides))

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        if tag in {"option", "select"}:
            self._option = None
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                break


def _text_for(attrs: dict, kind: str) -> str:
    name = attrs.get("name", "").lower()
    if kind == "email" or "email" in name:
        value = "bench@example.org"
    elif kind == "tel" or "phone" in name or "telefon" in name:
        value = "070-123 45 67"
    elif kind == "url":
        value = "https://example.org/"
    elif kind == "number":
        value = attrs.get("min") or "1"
    elif kind == "date":
        value = "2026-12-01"
    elif kind == "textarea":
        value = (
            "Vi vill starta en mötesplats i den gamla skolan där byborna kan ses, "
            "laga mat tillsammans och hjälpa varandra med vardagens frågor. "
        ) * 2
    else:
        value = TEXT_FILLED_IN
    if attrs.get("maxlength", "").isdigit():
        value = value[: int(attrs["maxlength"])]
    return value


def form_body(html: str, path: str) -> tuple[bytes, str]:
    """The filled-in main POST form of a page, encoded as its form says: (body, content type)."""
    pairs, enctype = form_payload(html, path)
    if enctype.lower() != "multipart/form-data":
        return urlencode(pairs).encode(), "application/x-www-form-urlencoded"
    boundary = "----idelotsen-bench-" + secrets.token_hex(8)
    parts = []
    for name, value in pairs:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def form_payload(html: str, path: str) -> tuple[list[tuple[str, str]], str]:
    """Fill the page's main POST form the way a resident would; honeypots stay empty.

    Returns the (name, value) pairs and the form's enctype.
    """
    parser = FormParser()
    parser.feed(html)
    candidates = [
        form
        for form in parser.forms
        if form["method"] == "post" and urlsplit(form["action"]).path in ("", path)
    ]
    if not candidates:
        raise SetupFailed(f"no POST form for {path} on the page")
    form = max(candidates, key=lambda f: len(f["fields"]))
    pairs: list[tuple[str, str]] = []
    done: set[str] = set()
    buttons = []
    for field in form["fields"]:
        attrs, tag = field["attrs"], field["tag"]
        name = attrs.get("name")
        kind = attrs.get("type", "text" if tag == "input" else tag).lower()
        if not name or "disabled" in attrs:
            continue
        if tag == "button" or kind in {"submit", "image"}:
            if kind in {"submit", "button", "image"} or tag == "button":
                buttons.append(attrs)
            continue
        if kind == "hidden":
            pairs.append((name, attrs.get("value", "")))
            continue
        if field["hidden_from_people"] or attrs.get("tabindex") == "-1":
            pairs.append((name, ""))  # a honeypot: people never see it, so they leave it empty
            continue
        if kind in {"file", "reset", "password"} or name in done:
            continue
        done.add(name)
        if kind in {"checkbox", "radio"}:
            pairs.append((name, attrs.get("value", "on")))
        elif tag == "select":
            values = [
                (o["value"] if o["value"] is not None else o["text"].strip(), o["selected"])
                for o in field["options"]
            ]
            values = [(value, selected) for value, selected in values if value.strip()]
            first = values[0][0] if values else None
            chosen = next((value for value, selected in values if selected), first)
            if chosen is not None:
                pairs.append((name, chosen))
        else:
            pairs.append((name, _text_for(attrs, kind)))
    named = [b for b in buttons if b.get("name") and b.get("type", "submit") == "submit"]
    chosen_button = next(
        (b for b in named if not SKIP_BUTTON.search(b["name"] + " " + b.get("value", ""))), None
    )
    if chosen_button:
        pairs.append((chosen_button["name"], chosen_button.get("value", "")))
    return pairs, form["enctype"]


def error_text(html: str) -> str:
    """The errors a re-rendered form shows: its error summary, else the first alert."""
    match = ERROR_SUMMARY.search(html) or ERROR_TEXT.search(html)
    if not match:
        return ""
    items = re.split(r"<li[^>]*>", match.group(1))
    texts = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
    return "; ".join(text for text in texts if text)[:160]
