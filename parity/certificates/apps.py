from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "parity.certificates"
    label = "certificates"
    verbose_name = "婚育证明与居住证"
