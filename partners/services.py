"""Writes of the partner registry."""

from django.contrib.auth.models import User
from django.db import transaction

from partners.models import WEIGHT_FIELDS, MatchingWeights


@transaction.atomic
def matching_weights_update(*, values: dict[str, int], actor: User) -> MatchingWeights:
    """Store new matching weights (0 to 10 each, not all 0) and who changed them."""
    weights = MatchingWeights.objects.select_for_update().filter(
        pk=MatchingWeights.SINGLETON_ID
    ).first() or MatchingWeights(pk=MatchingWeights.SINGLETON_ID)
    for name in WEIGHT_FIELDS:
        setattr(weights, name, values[name])
    weights.updated_by = actor
    weights.full_clean()
    weights.save()
    return weights
