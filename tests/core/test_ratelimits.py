"""The API throttle's counter: one statement a hit, committed without waiting for the disk."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.ratelimits import rate_counter_hit


@pytest.mark.django_db(transaction=True)
def test_a_hit_outside_a_transaction_is_one_statement_whose_setting_ends_with_it():
    now = time.time()
    with CaptureQueriesContext(connection) as statements:
        first = rate_counter_hit("throttle_test", 60, now)
        second = rate_counter_hit("throttle_test", 60, now + 1)
    assert (first.hits, second.hits) == (1, 2)
    assert len(statements) == 2
    assert "set_config('synchronous_commit', 'off', true)" in statements[0]["sql"]
    with connection.cursor() as cursor:  # the local setting ended with the hit's own commit
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db
def test_a_hit_inside_a_transaction_leaves_its_commit_to_the_caller():
    with CaptureQueriesContext(connection) as statements:
        assert rate_counter_hit("throttle_test", 60, time.time()).hits == 1
    assert "synchronous_commit" not in statements[0]["sql"]
