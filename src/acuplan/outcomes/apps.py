from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "acuplan.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and course management"
