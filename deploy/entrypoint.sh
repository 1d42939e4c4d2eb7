#!/bin/sh
# The image's entry point. Usage:
#   web [--migrate]          gunicorn (deploy/gunicorn.conf.py); --migrate applies the migrations first
#   worker <name> [options]  manage.py run_<name>: deadlines, search_worker, outbox, mailboxes, channel_events,
#                            report_renders (SIGTERM: the item in hand is finished or given back, exit 0)
#   manage <command> …       any manage.py command (migrate, createsuperuser, seed_demo, search_reindex, …)
#   anything else            run as given (sh, python, …)
# Before starting, the settings a production process cannot run without are checked (DEBUG=0, the default here):
# a missing one stops the container with a message naming it, and a non-zero exit.
set -eu
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-0}"  # the image is production unless told otherwise (settings.py alone defaults to DEBUG on)

WORKERS="deadlines search_worker outbox mailboxes channel_events report_renders"

refuse() {
    echo "lang-nghe: $*" >&2
    exit 64
}

check_settings() {
    case "${DEBUG:-0}" in
        1 | true | yes | on) return 0 ;;  # development: the settings' own defaults
    esac
    missing=""
    for setting in SECRET_KEY DATABASE_URL ALLOWED_HOSTS SITE_URL REDIS_URL EMAIL_HOST; do
        eval "value=\${$setting:-}"
        [ -n "$value" ] || missing="$missing $setting"
    done
    if [ -n "$missing" ]; then
        refuse "missing settings:$missing. Set them in the environment (README, \"Production\"); with DEBUG=0 the" \
            "process does not start without them."
    fi
    case "$DATABASE_URL" in
        postgres://* | postgresql://* | sqlite:///*) ;;
        *) refuse "DATABASE_URL must be postgres://user:password@host:5432/name, not ${DATABASE_URL%%://*}://…" ;;
    esac
    # Everything else Django itself refuses (settings.py, core/checks.py): a clear error, no start.
    python manage.py check --fail-level ERROR >/dev/null || refuse "the configuration check failed (see above)."
}

command="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$command" in
    web)
        migrate=0
        if [ "${1:-}" = "--migrate" ]; then
            migrate=1
            shift
        fi
        [ "$#" -eq 0 ] || refuse "web takes only --migrate, not: $*"
        check_settings
        if [ "$migrate" = 1 ]; then
            python manage.py migrate --no-input
        fi
        exec gunicorn --config deploy/gunicorn.conf.py config.wsgi:application
        ;;
    worker)
        name="${1:-}"
        [ -n "$name" ] || refuse "which worker? One of: $WORKERS"
        shift
        name="${name#run_}"
        case " $WORKERS " in
            *" $name "*) ;;
            *) refuse "no worker named '$name'. One of: $WORKERS" ;;
        esac
        check_settings
        exec python manage.py "run_$name" "$@"
        ;;
    manage)
        check_settings
        exec python manage.py "$@"
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
