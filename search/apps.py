from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Tra cứu")

    def ready(self) -> None:
        # Each app's `search_projections` module registers the public projection of its document kinds.
        autodiscover_modules("search_projections")
        from search import checks  # noqa: F401 - registers the deploy check of the search index
