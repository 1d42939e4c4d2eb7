"""gunicorn's settings for the image (`deploy/entrypoint.sh web`), from the environment.

PORT (8000), WEB_CONCURRENCY (worker processes, default 2 × CPUs + 1, at most 8), GUNICORN_THREADS (1),
GUNICORN_TIMEOUT (60 s: a request longer than this is killed and logged), GUNICORN_GRACEFUL_TIMEOUT (30 s: on
SIGTERM, requests in flight finish within this). Logs: gunicorn's own lines as JSON like the application's
(core/logs.py); no access log of its own: core.logs.RequestIdMiddleware writes one line per request, without the
path's values or the query string.
"""

import multiprocessing
import os

bind = f"{os.environ.get('BIND_ADDRESS', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - in a container
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 8))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # a slow leak cannot grow forever
max_requests_jitter = max_requests // 10
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's heartbeat files: memory, not the container's overlay disk
    worker_tmp_dir = "/dev/shm"  # noqa: S108
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
}
