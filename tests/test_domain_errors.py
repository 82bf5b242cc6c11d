"""Every refusal a service raises is a DomainError with a message for the person, and the views
catch that one class, never a database error the person would read as a server's words."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from django.utils import translation

from portal.domain import DomainError

APPS = ("portal", "ideas", "partners", "triage")
ROOT = Path(__file__).resolve().parent.parent


def _modules():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or info.name.endswith((".wsgi", ".asgi")):
                continue
            yield importlib.import_module(info.name)


def _exceptions_defined_in_the_apps() -> set[type]:
    return {
        value
        for module in _modules()
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, Exception)
        and value.__module__ == module.__name__
    }


def test_every_exception_the_apps_define_is_a_domain_error():
    found = _exceptions_defined_in_the_apps()
    assert len(found) >= 10  # IdeaError, TransitionNotAllowed, ReviewError, ... (the walk works)
    assert [cls.__qualname__ for cls in found if not issubclass(cls, DomainError)] == []


def test_a_domain_error_says_its_message_in_the_persons_language():
    from triage.referrals.answer_links import AnswerLinkExpired

    with translation.override("sv"):
        assert str(DomainError()) == "Det går inte att göra."
        assert str(AnswerLinkExpired()).startswith("Svarslänken har gått ut.")
        assert str(DomainError("Skriv en anteckning.")) == "Skriv en anteckning."


def test_no_view_catches_a_database_error():
    """A race the person must hear about is turned into a DomainError by the service."""
    views = [path for app in APPS for path in (ROOT / app).rglob("*views.py")]
    assert views
    caught = []
    for path in views:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {getattr(n, "attr", getattr(n, "id", "")) for n in ast.walk(node.type)}
                if "IntegrityError" in names:
                    caught.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert caught == []
