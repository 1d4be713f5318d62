# Production image for every musicgen process (web, worker, engine worker, beat); see docker-compose.yml.
FROM node:20-bookworm-slim AS static
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MUSICGEN_DEBUG=false
RUN apt-get update \
 && apt-get install -y --no-install-recommends libfluidsynth3 fluid-soundfont-gm espeak-ng \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Production packages only: tests, benchmarks and linters (requirements-dev.txt) stay out of the image.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=static /build/node_modules/htmx.org/dist/htmx.min.js static/vendor/
COPY --from=static /build/node_modules/wavesurfer.js/dist/wavesurfer.min.js static/vendor/
COPY --from=static /build/node_modules/@picocss/pico/css/pico.min.css static/vendor/
# A throwaway key: the settings refuse a weak one with DEBUG off, and collectstatic signs nothing.
RUN MUSICGEN_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" python manage.py collectstatic --no-input
# web runs collectstatic again at start into the shared `static` volume, which starts as a copy of this folder.
RUN useradd --create-home musicgen && mkdir -p var && chown -R musicgen var staticfiles
USER musicgen
EXPOSE 8000
# Meant to run behind nginx (deploy/nginx.conf.template), which buffers slow clients; see docker-compose.yml.
CMD ["gunicorn", "musicgen.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "8", "--timeout", "120", "--no-control-socket"]
