from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's own checks (config/checks.py) and the lockout page's template tags need an app."""

    name = "config"
    verbose_name = "Lắng Nghe"

    def ready(self) -> None:
        from config import checks  # noqa: F401 - registers the system checks
