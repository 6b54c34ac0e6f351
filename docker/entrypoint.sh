#!/bin/sh
# Entry point of the application image.
#   web     trytond behind gunicorn (the WSGI application trytond.application)
#   worker  trytond-worker: queued jobs (batch signing, notifications)
#   cron    trytond-cron: scheduled tasks
#   admin   create or update the database (run once per release)
# The database URI and every secret come from the environment.
set -eu

: "${EGOV_DATABASE:=egov}"
export EGOV_DATABASE
: "${GUNICORN_WORKERS:=4}"
export TRYTOND_DATABASE_NAMES="${TRYTOND_DATABASE_NAMES:-$EGOV_DATABASE}"

case "${1:-web}" in
    web)
        exec gunicorn --bind "${TRYTOND_WEB__LISTEN:-0.0.0.0:8000}" \
            --workers "$GUNICORN_WORKERS" --timeout 120 \
            --forwarded-allow-ips='*' --access-logfile - \
            trytond.application:app
        ;;
    worker)
        exec trytond-worker -c "$TRYTOND_CONFIG" -d "$EGOV_DATABASE"
        ;;
    cron)
        exec trytond-cron -c "$TRYTOND_CONFIG" -d "$EGOV_DATABASE"
        ;;
    admin)
        # The trigram index of the portal's search of procedures needs the
        # pg_trgm extension (trusted: the database owner may create it)
        python3 -c 'import os, psycopg
uri = os.environ["TRYTOND_DATABASE__URI"].rstrip("/") + "/" + os.environ["EGOV_DATABASE"]
with psycopg.connect(uri, autocommit=True) as conn:
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")' \
            || echo "pg_trgm not available: the search is not indexed" >&2
        # First run: the admin password comes from a secret file
        exec trytond-admin -c "$TRYTOND_CONFIG" -d "$EGOV_DATABASE" \
            --all --activate-dependencies -u egov_base egov_signature egov_procedure egov_portal \
            egov_document -l vi \
            --email "${EGOV_ADMIN_EMAIL:-admin@localhost}"
        ;;
    *)
        exec "$@"
        ;;
esac
