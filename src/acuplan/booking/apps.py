from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "acuplan.booking"
    label = "booking"
    default_auto_field = "django.db.models.BigAutoField"
