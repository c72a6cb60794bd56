# One image for every techledger process: `techledger serve` (the default), `techledger relay`,
# `techledger project --source kafka`, `techledger notary`, `techledger positions ...`
# (docker-compose.yml). /keys holds the notary's signing key (a named volume in compose).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The packages that pyproject.toml installs ([tool.setuptools.packages.find]), nothing else.
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY services ./services
COPY projections ./projections
COPY api ./api
COPY bench ./bench
RUN pip install . \
    && useradd --create-home --uid 10001 techledger \
    && mkdir -p /app/data /keys \
    && chown techledger /app/data /keys

# Embedded mode keeps its SQLite files in ./data (/app/data); distributed mode uses PostgreSQL.
USER techledger
EXPOSE 8000
CMD ["techledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
