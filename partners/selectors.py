from django.db.models import QuerySet

from partners.models import Partner, PartnerContact


def active_partners() -> QuerySet[Partner]:
    return Partner.objects.filter(is_active=True).order_by("name")


def referral_recipients(partner: Partner) -> QuerySet[PartnerContact]:
    """The contacts of a partner who receive referrals."""
    return partner.contacts.filter(receives_referrals=True).order_by("pk")
