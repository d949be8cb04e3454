"""Running the demo command twice: determinism, refusal and replacement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parity.people.models import Person

AS_OF = dt.date(2025, 6, 30)


def run(**extra):
    call_command("demo", scale=0.002, as_of=AS_OF, verbosity=0, **extra)


def numbers() -> list[str]:
    return [p.id_number for p in Person.objects.order_by("id")]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_database_that_holds_people_without_replace():
    run(seed=1)
    with pytest.raises(CommandError, match="--replace"):
        run(seed=1)


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_id_numbers_and_replace_does_not_duplicate():
    run(seed=3)
    first, count = numbers(), Person.objects.count()
    run(seed=3, replace=True)
    assert Person.objects.count() == count
    assert numbers() == first


@pytest.mark.django_db(transaction=True)
def test_another_seed_gives_other_people():
    run(seed=3)
    first = numbers()
    run(seed=4, replace=True)
    assert numbers() != first


@pytest.mark.django_db
def test_if_empty_leaves_a_populated_database_alone(capsys):
    call_command("demo", scale=0.001, seed=3, as_of=dt.date(2025, 6, 30), verbosity=0)
    count = Person.objects.count()
    call_command("demo", scale=0.001, seed=4, as_of=dt.date(2025, 6, 30), if_empty=True)
    assert Person.objects.count() == count
    assert "left as it is" in capsys.readouterr().out
