from django.apps import AppConfig


class BridgeConfig(AppConfig):
    name = "acuplan.bridge"
    label = "bridge"
    default_auto_field = "django.db.models.BigAutoField"
