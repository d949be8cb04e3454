from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "parity.people"
    label = "people"
    verbose_name = "人口登记"
