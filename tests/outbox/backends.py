"""A mail backend for tests that fails on command, then behaves like Django's locmem backend."""

from django.core.mail.backends.locmem import EmailBackend


class ScriptedBackend(EmailBackend):
    """Raises the queued errors one per send, in order; sends normally once they are used up."""

    errors: list[Exception] = []
    attempts = 0

    def send_messages(self, messages):
        ScriptedBackend.attempts += 1
        if ScriptedBackend.errors:
            raise ScriptedBackend.errors.pop(0)
        return super().send_messages(messages)
