# syntax=docker/dockerfile:1
# Lắng Nghe's image: `docker build -t lang-nghe .` (README, "Production"). Three stages: the front-end bundle
# (Node, `npm ci` from package-lock.json), the Python packages and the collected files (from requirements.lock,
# every package checked against its hash), and the runtime: slim Python, the libraries WeasyPrint needs for the
# PDFs (Pango, HarfBuzz, fonts with Vietnamese glyphs), a non-root user.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ frontend/
RUN npm run build

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
# The same Debian packages as the Makefile's SYSTEM_PACKAGES, less the ones only a developer needs.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

FROM base AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock
WORKDIR /app
COPY . .
COPY --from=assets /src/static/dist static/dist
# Translations compiled and static files collected (hashed names, gzip and Brotli copies for WhiteNoise) once, here.
# The settings refuse to load with DEBUG=0 and no secret: these values exist only for this build step.
RUN python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0 \
    && DEBUG=0 SECRET_KEY=build-only SITE_URL=https://build.invalid EMAIL_HOST=build.invalid \
        DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
        python manage.py collectstatic --no-input -v0 \
    && rm -f var/db.sqlite3*

FROM base AS runtime
RUN useradd --system --uid 10001 --gid 0 --home-dir /app --no-create-home lang-nghe
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Only the uploaded and generated files are written (MEDIA_ROOT, a volume in compose.yaml).
RUN mkdir -p /app/var/media && chown -R lang-nghe:0 /app/var/media && chmod -R g+rwX /app/var/media
WORKDIR /app
USER lang-nghe
ENV DEBUG=0 PORT=8000 MEDIA_ROOT=/app/var/media
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=6s --start-period=40s --retries=3 CMD ["python", "deploy/healthcheck.py"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
