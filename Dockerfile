# sla-sync as a service: `sla-sync run` (webhooks, schedule, /healthz, /metrics).
#   docker build -t sla-sync .
#   docker run -d --env-file deploy/example.env -p 8765:8765 -v sla-sync-data:/data sla-sync
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user that owns only the state volume.
RUN groupadd --system --gid 10001 sla \
 && useradd --system --uid 10001 --gid sla --home-dir /app --shell /usr/sbin/nologin sla \
 && mkdir -p /data /app \
 && chown sla:sla /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY sla ./sla
COPY mappings ./mappings
COPY config ./config
COPY sync ./sync
RUN pip install . && rm -rf /app/build

# Configuration is SLA_SYNC_* variables (see deploy/example.env); the state store on a volume.
ENV SLA_SYNC_STATE_PATH=/data/sla-sync.sqlite3 \
    SLA_SYNC_SERVICE__HOST=0.0.0.0 \
    SLA_SYNC_SERVICE__PORT=8765 \
    SLA_SYNC_LOG_FORMAT=json
VOLUME /data
EXPOSE 8765

USER sla:sla

# 503 from /healthz (no successful pass within service.healthz_max_age_seconds) -> unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SLA_SYNC_SERVICE__PORT', '8765'), timeout=4)"

# Exec form: the process is PID 1 and receives SIGTERM from `docker stop` directly.
CMD ["sla-sync", "run"]
