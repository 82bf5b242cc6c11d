"""The admin of the triage app's models, registered by each sub-package's admin module."""

from triage.referrals import admin as referrals_admin
from triage.review import admin as review_admin

__all__ = ["referrals_admin", "review_admin"]  # importing them registers their models
