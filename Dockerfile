# syntax=docker/dockerfile:1
# One image for every process of Một Cửa: `motcua serve`, `motcua worker`, `motcua migrate`.
# Build: docker build -t motcua:$(git rev-parse --short HEAD) .

FROM ghcr.io/astral-sh/uv:0.13 AS uv

FROM python:3.11-slim-bookworm AS build
COPY --from=uv /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# dependencies first, in their own layer: a change of code alone does not reinstall them
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev
# uv compiles site-packages only, and the project is installed editable: its own modules are compiled
# here, or every process of the image (which runs with PYTHONDONTWRITEBYTECODE) compiles them again as
# it starts (a quarter of a second of `serve`'s worker; bench/README.md). The sources never change in
# the image, so the bytecode is not checked against them.
RUN .venv/bin/python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
    asgi.py cli.py runtime.py api assistant core documents i18n notifications payments

FROM python:3.11-slim-bookworm AS runtime
# the font papers are set in (documents/fonts.py)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
# a fixed, unprivileged user: the storage volume and the Kubernetes securityContext name the same ids
RUN groupadd --system --gid 10001 motcua \
 && useradd --system --uid 10001 --gid motcua --home-dir /app --shell /usr/sbin/nologin motcua \
 && mkdir -p /var/lib/motcua/files && chown -R motcua:motcua /var/lib/motcua
COPY --from=build --chown=motcua:motcua /app /app
WORKDIR /app
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOTCUA_ENV=production \
    MOTCUA_DATA_DIR=/var/lib/motcua \
    MOTCUA_STORAGE_DIR=/var/lib/motcua/files \
    MOTCUA_LOG_FORMAT=json \
    MOTCUA_INPROCESS_WORKER=false
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["motcua"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
