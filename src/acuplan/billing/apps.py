from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "acuplan.billing"
    label = "billing"
    verbose_name = "Billing and credentials"
    default_auto_field = "django.db.models.BigAutoField"
