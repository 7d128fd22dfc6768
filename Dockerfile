# SyncStore: one image for the web server and the django-q2 worker.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=False
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY config ./config
COPY catalog ./catalog
COPY imports ./imports
COPY pricing ./pricing
COPY seo ./seo
COPY templates ./templates
COPY locale ./locale
COPY locale_thirdparty ./locale_thirdparty
COPY manage.py ./
# The redis extra: the same image runs workers against Redis when Q_BROKER_URL is set.
RUN pip install --no-cache-dir -c constraints.txt ".[redis]" \
    && useradd --create-home syncstore \
    && mkdir -p /app/var/backups && chown -R syncstore /app/var

# collectstatic needs settings but no database; production settings need these set.
RUN DJANGO_SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only \
    FIELD_ENCRYPTION_KEY=bm90LWEtcmVhbC1rZXktbm90LWEtcmVhbC1rZXktISE= \
    DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput

USER syncstore
EXPOSE 8000
# `python -m config.health` asks GET /api/health/ (python: the slim image has no curl) and fails
# on the web server's own checks (database, migrations). The worker container, which serves no
# HTTP, overrides this with `python -m config.health --worker` (compose.yaml).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "config.health"]
# The web container: migrate once the database answers, then serve with gunicorn.
CMD ["sh", "-c", "python manage.py wait_for_db && python manage.py migrate --noinput && gunicorn config.wsgi:application -c config/gunicorn_conf.py --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-$(nproc)} --timeout 60"]
