# One image for the worker, the projector and the CLI; the command chooses which.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md worker.py ./
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
RUN pip install --no-cache-dir .
ENV TRAINOPS_LOG_FORMAT=json
CMD ["python", "worker.py"]
