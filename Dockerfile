# One image for web, worker and beat.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" DJANGO_SETTINGS_MODULE=shopsocial.settings.production
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# Build-only values: the production guards (shopsocial/guards.py) refuse to start without
# a gateway key and REDIS_URL; nothing here connects to them, and none of it is kept.
RUN SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1rZXktbm90LXVzZWQtYXQtcnVuLXQ= \
    STRIPE_SECRET_KEY=build-only STRIPE_WEBHOOK_SECRET=build-only REDIS_URL=redis://build-only:6379/0 \
    python manage.py collectstatic --noinput
RUN useradd --create-home shop && chown -R shop /app
USER shop
EXPOSE 8000
# Pages: gunicorn's sync WSGI workers (measured against gthread and the ASGI worker:
# docs/benchmarks.md); Varnish in front buffers slow clients. The chat's WebSockets run
# in their own service on the ASGI server (docker-compose.yml, `chat`).
CMD ["gunicorn", "shopsocial.wsgi:application", "--worker-class", "sync", "--workers", "5", "--bind", "0.0.0.0:8000"]
