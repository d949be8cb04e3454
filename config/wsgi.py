import os

from django.core.wsgi import get_wsgi_application

from parity.core.files import private_umask

private_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from parity.core.startup import warm_up  # noqa: E402 - needs the settings configured above

warm_up()
