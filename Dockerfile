# The bot as a container: the runtime requirements only (no test or benchmark packages), installed from the
# hashed lock file so every build installs exactly the same files, run as a non-root user.
# Build: docker build -t smpolicy .   Run: see compose.yaml and docs/OPERATIONS.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock .
RUN pip install --no-deps --require-hashes -r requirements.lock

COPY . .
RUN useradd --system --uid 10001 --home-dir /app smpolicy && mkdir -p /data && chown smpolicy /data
USER smpolicy

ENV PORT=3978 DATABASE_URL=sqlite+aiosqlite:////data/smpolicy.db LOG_FORMAT=json
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3978\")}/healthz', timeout=4)"
CMD ["python", "app.py"]
