"""Tracking tokens become derivable (ideas/tokens.py), so later mails can carry the link.

An idea stored before this had a random token of which only the hash was kept. It gets a salt
and a derived token now; its old hash moves to `legacy_tracking_token_hash`, so the link in its
receipt keeps working, and every later mail carries the new link.
"""
import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import migrations, models

# The derivation of ideas/tokens.py as it was when this migration was written (frozen: a
# migration never reads live code). Later mails derive the same token from the salt only while
# tokens.py derives it this way.
TRACKING_SALT_PURPOSE = b"ideas.tracking-link"


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def derive_tracking_token(salt):
    digest = hmac.new(hashlib.sha256(TRACKING_SALT_PURPOSE + settings.SECRET_KEY.encode()).digest(),
                      salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def derive_tokens(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    for idea in Idea.objects.filter(tracking_salt="").only("pk", "tracking_token_hash").iterator():
        salt = secrets.token_urlsafe(16)
        Idea.objects.filter(pk=idea.pk).update(
            legacy_tracking_token_hash=idea.tracking_token_hash, tracking_salt=salt,
            tracking_token_hash=hash_token(derive_tracking_token(salt)))


def restore_tokens(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    for idea in Idea.objects.exclude(legacy_tracking_token_hash=None).iterator():
        Idea.objects.filter(pk=idea.pk).update(
            tracking_token_hash=idea.legacy_tracking_token_hash, tracking_salt="",
            legacy_tracking_token_hash=None)


class Migration(migrations.Migration):

    dependencies = [
        ("ideas", "0006_ideaevent_message_to_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="tracking_salt",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="idea",
            name="legacy_tracking_token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True,
                                   unique=True),
        ),
        migrations.RunPython(derive_tokens, restore_tokens),
    ]
