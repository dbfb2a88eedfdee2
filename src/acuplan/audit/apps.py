from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "acuplan.audit"
    label = "audit"
