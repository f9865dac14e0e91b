# syntax=docker/dockerfile:1
# The same service, hardened: pinned base, no secrets, non-root, healthcheck.
FROM python:3.12.7-slim-bookworm@sha256:5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3 AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir --requirement requirements.txt

FROM python:3.12.7-slim-bookworm@sha256:5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3
WORKDIR /app
COPY --from=build /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages
COPY app.py .
USER 10001:10001
HEALTHCHECK --interval=30s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"]
CMD ["python", "app.py"]
