from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "acuplan.clinic"
    label = "clinic"
