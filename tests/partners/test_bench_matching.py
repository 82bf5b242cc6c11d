import pytest

from ideas.models import Idea
from partners.models import Partner
from tests.bench.bench_matching import run
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_matching_bench_reports_time_and_queries_and_leaves_the_database_as_it_was():
    kept = PartnerFactory()
    rows = run(sizes=((4, 1000.0, 2), (12, 1000.0, 2)))
    assert [row["unit"] for row in rows] == ["ms", "ms", "queries"] * 2
    assert all(set(row) == {"name", "value", "unit", "target", "passed"} for row in rows)
    assert rows[2]["value"] == rows[5]["value"]
    assert rows[5]["passed"] is True
    assert list(Partner.objects.all()) == [kept]
    assert Partner.objects.get().is_active
    assert not Idea.objects.exists()
