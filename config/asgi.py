import os

from django.core.asgi import get_asgi_application

from parity.core.files import private_umask

private_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
