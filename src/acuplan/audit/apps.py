from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "acuplan.audit"
    label = "audit"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from acuplan.audit import seal

        connection_created.connect(seal.register, dispatch_uid="acuplan.audit.seal")
