"""Migration 0005 gives every partner already in the registry its own public id (UUID) and
leaves it unlisted until the partner agrees."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partners.models import Partner

BEFORE = ("partners", "0004_contact_language_choices")


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="runs in make test (SQLite): on PostgreSQL, migrating back and forth inside a "
    "serialized-rollback test leaves content types that break the next test's restore",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_existing_partner_gets_its_own_public_id_and_stays_unlisted():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_partner = executor.loader.project_state([BEFORE]).apps.get_model("partners", "Partner")
    for number in range(3):
        old_partner.objects.create(name=f"Gammal {number}", slug=f"gammal-{number}", kind="other")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    existing = Partner.objects.filter(slug__startswith="gammal-")
    ids = list(existing.values_list("uuid", flat=True))
    assert len(ids) == 3 and None not in ids and len(set(ids)) == 3
    assert not existing.filter(listed_publicly=True).exists()
