from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "acuplan.accounts"
    label = "accounts"
