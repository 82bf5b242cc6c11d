"""The private tracking link: a token derived from a random salt, of which only a hash is kept.

Why derived: the database holds only the token's hash (a leaked database opens no tracking
page), yet every later mail (a status change, a question, an accepted referral) must carry the
same link as the receipt. So the token is an HMAC of the idea's random salt with SECRET_KEY:
the portal can compute it again when it writes a mail, while the database alone cannot.

- Lookup stays by the stored SHA-256 hash of the token (`Idea.tracking_token_hash`).
- Rotating SECRET_KEY keeps every link working: put the old key in SECRET_KEY_FALLBACKS; the
  token is derived with whichever key matches the stored hash.
- Ideas stored before tokens were derived (their random token was never kept) were given a salt
  and a derived token by migration 0007; their old hash moved to `legacy_tracking_token_hash`,
  so the link in their receipt keeps working, and later mails carry the new link.
"""

import base64
import hashlib
import hmac

from django.conf import settings

TRACKING_SALT_PURPOSE = b"ideas.tracking-link"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def derive_tracking_token(salt: str, key: str | None = None) -> str:
    """The tracking token of an idea with this salt, under `key` (default SECRET_KEY)."""
    key = settings.SECRET_KEY if key is None else key
    digest = hmac.new(
        hashlib.sha256(TRACKING_SALT_PURPOSE + key.encode()).digest(), salt.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")  # 192 bits


def tracking_token_for(*, salt: str, token_hash: str) -> str:
    """Derive the token whose hash is stored, trying SECRET_KEY then its fallbacks; "" if none."""
    if not salt:
        return ""
    for key in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        token = derive_tracking_token(salt, key)
        if hmac.compare_digest(hash_token(token), token_hash):
            return token
    return ""


# The short code printed on a paper receipt, for a resident who cannot scan the QR code: the
# idea's reference number and eight characters in Crockford's base32 (no I, L, O or U, so
# nothing is misread), typed on the page `ideas:short_code`. Derived from the tracking token,
# so it needs no column and changes with it; it reveals nothing of the token. Forty bits
# together with a known reference, behind a rate limit on wrong tries, cannot be guessed.
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 8
SHORT_CODE_PURPOSE = b"ideas.short-code"
# What people type for what they read: letters the alphabet leaves out, read as digits.
SHORT_CODE_READINGS = str.maketrans("OIL", "011")


def short_code(token: str) -> str:
    """The eight characters a receipt prints beside the reference; "" without a token."""
    if not token:
        return ""
    digest = hashlib.sha256(SHORT_CODE_PURPOSE + token.encode()).digest()
    number = int.from_bytes(digest[:5])  # 40 bits, eight characters of five
    return "".join(
        SHORT_CODE_ALPHABET[(number >> shift) & 31]
        for shift in range(5 * (SHORT_CODE_LENGTH - 1), -1, -5)
    )


def short_code_typed(text: str) -> str:
    """What someone typed, as the code it means: spaces and dashes dropped, upper case, and
    O, I and L read as the digits they look like."""
    kept = "".join(character for character in text.upper() if character.isalnum())
    return kept.translate(SHORT_CODE_READINGS)


def short_code_shown(code: str) -> str:
    """The code as printed, in two groups of four: K7QM-4XPA."""
    return f"{code[:4]}-{code[4:]}" if code else ""


def short_code_matches(*, token: str, typed: str) -> bool:
    code = short_code(token)
    return bool(code) and hmac.compare_digest(code, short_code_typed(typed))
