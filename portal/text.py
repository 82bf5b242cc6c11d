"""Text helpers every app uses for what it stores and sends."""


def single_line(value: str) -> str:
    """Fold line breaks and runs of spaces, so that a name, a title or a mail header stays on
    one line everywhere."""
    return " ".join(str(value).split())
