from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage")

    def ready(self) -> None:
        from ideas import hooks
        from partners import hooks as partner_hooks
        from triage.insights import public_open_data  # noqa: F401 (registers its check)
        from triage.referrals.consent_views import tracking_page_context
        from triage.referrals.follow_up import follow_up_erase
        from triage.referrals.registry_activity import RegistryActivity
        from triage.referrals.selectors import referrals_for_owner
        from triage.referrals.services import (
            owner_details_redact,
            partners_told_to_delete_owner_details,
            referrals_close_on_withdrawal,
        )
        from triage.review import merges

        # The referrals live here; `ideas` asks for them through its hooks, never by import.
        if referrals_for_owner not in hooks.owner_partner_lines:
            hooks.owner_partner_lines.append(referrals_for_owner)
        if partners_told_to_delete_owner_details not in hooks.before_erasure:
            hooks.before_erasure.append(partners_told_to_delete_owner_details)
        # The owner's own words in the follow-up surveys go with the rest.
        if follow_up_erase not in hooks.before_erasure:
            hooks.before_erasure.append(follow_up_erase)
        if owner_details_redact not in hooks.before_erasure:
            hooks.before_erasure.append(owner_details_redact)
        if referrals_close_on_withdrawal not in hooks.after_withdrawal:
            hooks.after_withdrawal.append(referrals_close_on_withdrawal)
        if tracking_page_context not in hooks.tracking_page_context:
            hooks.tracking_page_context.append(tracking_page_context)
        # Ideas handled together: their owners' line, mails and the moves refused (duplicates).
        if merges.tracking_page_context not in hooks.tracking_page_context:
            hooks.tracking_page_context.append(merges.tracking_page_context)
        if merges.merges_undo_on_withdrawal not in hooks.after_withdrawal:
            hooks.after_withdrawal.append(merges.merges_undo_on_withdrawal)
        if merges.merged_owners_tell not in hooks.after_owner_told:
            hooks.after_owner_told.append(merges.merged_owners_tell)
        if merges.moves_of_merged_refused not in hooks.before_move:
            hooks.before_move.append(merges.moves_of_merged_refused)
        # And `partners` asks for a partner's load, answers and open referrals the same way.
        partner_hooks.referral_activity = RegistryActivity()
