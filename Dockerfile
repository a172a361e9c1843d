# One image for the worker, the projector, the API and the one-shot jobs; the command chooses.
# Build stage: wheels for the runtime dependencies only (no dev tools in the final image).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md worker.py ./
COPY runtime runtime
COPY accounts accounts
COPY domain domain
COPY eventlog eventlog
COPY workflows workflows
COPY activities activities
COPY projections projections
COPY trainops trainops
COPY api api
COPY audit audit
COPY imports imports
COPY services services
COPY config config
# Runtime only by default; `docker compose build --build-arg EXTRAS=telemetry` adds tracing.
# Every module is compiled here: the image never writes bytecode (PYTHONDONTWRITEBYTECODE, a
# read-only user), so without it each process, each command, compiled every module it imports
# again (half a second of the demo's start, measured with PYTHONDONTWRITEBYTECODE set).
ARG EXTRAS=""
RUN python -m venv /opt/trainops \
    && /opt/trainops/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/trainops/bin/pip install --no-cache-dir ".${EXTRAS:+[$EXTRAS]}" \
    && /opt/trainops/bin/python -m compileall -q -j 0 /opt/trainops

# Runtime stage: the virtualenv and the code, run by an unprivileged user. uid 1000 is also the
# Temporal server's user, so both read the certificates the one-shot `certs` service writes
# (keys are mode 0600). The one-shot mounts three volumes under /certs (trainops' pair,
# Temporal's pair, the CA's key); they start owned by uid 1000 because these folders are.
FROM python:3.11-slim
# pg_dump and pg_restore for `trainops db backup|restore` (the same major version as the server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 1000 trainops \
    && useradd --uid 1000 --gid 1000 --no-create-home --shell /usr/sbin/nologin trainops \
    && mkdir -p /certs/client /certs/server /certs/ca /witness /backups /app \
    && chown -R trainops:trainops /certs /witness /backups
COPY --from=build /opt/trainops /opt/trainops
COPY --from=build /src/worker.py /app/worker.py
WORKDIR /app
ENV PATH=/opt/trainops/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRAINOPS_LOG_FORMAT=json
USER trainops
CMD ["python", "worker.py"]
