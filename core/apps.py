from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Framework-level plumbing of every app (errors, parsers, middleware, proxies, login lockout, API schema,
    uploads, system checks); `config/` keeps settings, URLs and the WSGI/ASGI entry points only."""

    name = "core"
    verbose_name = "Lắng Nghe"

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the system checks
