"""factory_boy factories shared by the tests of every app.

Records with personal data are made through their app's action (``person_register``,
``dwelling_register``), so that a factory-made person is encrypted, indexed and audited
exactly as a registered one. Areas come from the ``areas`` fixture (the bundled tree):
pass ``area=areas[CODE]`` / ``grid=areas[GRID]``. ``Factory.create(...)`` is typed (it
returns the model); ``Factory(...)`` does the same untyped.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import factory
from factory.django import DjangoModelFactory

from parity.accounts.choices import Role
from parity.accounts.models import Department, User
from parity.conftest import make_id
from parity.housing import actions as housing_actions
from parity.housing.models import Dwelling
from parity.people import actions as people_actions
from parity.people.choices import HousingType
from parity.people.models import Person

T = TypeVar("T")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.GRID_WORKER
    area = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password="pw-factory-123", **kwargs)


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"社区卫生服务中心{n}")


class _ActionFactory(factory.Factory[T]):
    """Made by calling ``action(acting_user=..., **fields)``; ``acting_user`` defaults to
    a superuser, so that the factory never fails on scope."""

    class Meta:
        abstract = True

    acting_user = factory.LazyFunction(
        lambda: (
            User.objects.filter(username="factory-admin").first()
            or User.objects.create_superuser(
                username="factory-admin", password="pw-factory-123", role=Role.ADMIN
            )
        )
    )

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError(f"{cls.__name__} makes records through an action only")


class PersonFactory(_ActionFactory[Person]):
    """A person living in ``grid`` (an inflow person from 410102 unless ``id_number``
    says otherwise)."""

    class Meta:
        model = Person

    id_number = factory.Sequence(lambda n: make_id("410102", "19900101", n % 1000))
    name = "张三"
    arrived_on = dt.date(2024, 3, 1)
    housing_type = HousingType.RENTED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return people_actions.person_register(**kwargs)


class DwellingFactory(_ActionFactory[Dwelling]):
    class Meta:
        model = Dwelling

    address = factory.Sequence(lambda n: f"昆都仑区钢铁大街{n}号")
    dwelling_type = HousingType.RENTED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return housing_actions.dwelling_register(**kwargs)
