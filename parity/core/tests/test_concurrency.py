"""The version check every edit action shares (``parity.core.concurrency``)."""

import pytest
from django.core.exceptions import ValidationError

from parity.core.concurrency import check_version, is_stale, version_of
from parity.core.error_codes import ErrorCode
from parity.people.actions import person_update

pytestmark = pytest.mark.django_db


def test_an_update_with_the_current_version_goes_through(register, owner):
    person = register(name="张三")

    person_update(
        acting_user=owner, person=person, expected_version=version_of(person), name="李四"
    )

    person.refresh_from_db()
    assert person.name == "李四"


def test_an_update_with_a_stale_version_saves_nothing_and_says_stale(register, owner, colleague):
    person = register(name="张三")
    opened = version_of(person)
    person_update(acting_user=colleague, person=person, name="张三丰")

    with pytest.raises(ValidationError) as refused:
        person_update(
            acting_user=owner, person=person, expected_version=opened, education="college"
        )

    assert is_stale(refused.value)
    assert refused.value.code == ErrorCode.STALE
    person.refresh_from_db()
    assert (person.name, person.education) == ("张三丰", "")


def test_the_conflict_message_lists_only_changes_made_after_the_version_was_read(
    register, owner, colleague
):
    person = register(name="张三")
    person_update(acting_user=owner, person=person, marital_status="married")
    person.refresh_from_db()
    opened = version_of(person)
    person_update(acting_user=colleague, person=person, name="张三丰")
    person.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        check_version(person, opened)

    message = refused.value.messages[0]
    assert "colleague" in message and "姓名:张三 → 张三丰" in message
    assert "婚姻状况" not in message  # changed before the reader opened the record
    assert "(空) → 张三" not in message  # nor the registration


def test_no_version_given_means_no_check(register):
    person = register()

    check_version(person, None)
