from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "acuplan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from acuplan.accounts import signals

        signals.connect()
