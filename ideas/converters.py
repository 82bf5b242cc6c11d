"""URL converters for the idea's own identifiers."""


class ReferenceConverter:
    """An idea's reference number, e.g. IL-2026-0042; anything else does not match (404).

    Garbage never reaches a query: PostgreSQL refuses a text with a NUL byte outright.
    """

    regex = "IL-[0-9]{4}-[0-9]{4,9}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ShortCodeConverter:
    """A paper receipt's short code as printed (K7QM-4XPA) or typed without its dash, in
    either case (ideas/tokens.py); anything else does not match (404)."""

    regex = "[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
