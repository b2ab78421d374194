# One image for api, Rasa and actions; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends make curl git build-essential \
      python3.11-venv && rm -rf /var/lib/apt/lists/*
# The processes run as this user, never as root (issue #15): it owns var/ and its home, nothing else, so the
# code, the virtualenvs and the models stay read-only to it.
RUN groupadd --system --gid 10001 kakehashi \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/kakehashi kakehashi
WORKDIR /app
# The converted embedding model and the trained Rasa models in a fixed place, not root's home, which the
# run-time user could not read.
ENV KAKEHASHI_CACHE=/opt/kakehashi-cache \
    EMBEDDING_MODEL=/opt/kakehashi-cache/models/multilingual-e5-small
COPY . .
# Both virtualenvs run the image's Python 3.11 (Rasa from requirements/rasa.lock).
# Only the Debian packages the api needs at run time (fonts), not the test browser.
RUN SYSTEM_PACKAGES=run make setup
# The documents folder exists, owned by the user, before a volume is mounted on it: a new volume starts
# with that owner. Uploaded documents belong in the volume, never in the image or a container layer.
RUN mkdir -p var/fce-documents var/keys && chown -R 10001:10001 var
USER 10001:10001
VOLUME ["/app/var/fce-documents"]
EXPOSE 8000 5005 5006 5055 5056
# Behind a reverse proxy: the client's address and scheme only from FORWARDED_ALLOW_IPS (api/core/proxy.py).
# A shell, so the variable is read when the container starts; exec, so uvicorn gets the signals.
CMD ["sh", "-c", "exec .venv/bin/uvicorn api.main:create_app --factory --host 0.0.0.0 --port 8000 --proxy-headers --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-127.0.0.1}\""]
