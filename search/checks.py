"""`manage.py check --deploy` (and `check --tag search`): the search cluster answers, and its index was built
with this code's mapping. Never run at ordinary start-up: a web process starts (degraded) without the cluster."""

from __future__ import annotations

from typing import Any

from django.core import checks

from search.backends import backend_name, get_backend
from search.backends.base import MappingOutdated, SearchUnavailable


@checks.register("search", deploy=True)
def check_search_index(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if backend_name() != "elasticsearch":
        return []
    from search import services

    try:
        services.check_mapping(backend=get_backend())
    except MappingOutdated as error:
        return [checks.Error(str(error), hint="manage.py search_reindex", id="search.E001")]
    except SearchUnavailable as error:
        return [
            checks.Warning(
                f"The search cluster does not answer ({error}): the site will start without search (the search "
                "page and API say it is unavailable) and run_search_worker will retry.",
                hint="Check ELASTICSEARCH_HOSTS, ELASTICSEARCH_CA_CERTS or ELASTICSEARCH_SSL_FINGERPRINT, and the "
                "credentials (ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD).",
                id="search.W001",
            )
        ]
    return []
