import pytest


@pytest.fixture
def staff_admin(client, admin_user):
    """A client signed in to the Django admin as the superuser."""
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    return client
