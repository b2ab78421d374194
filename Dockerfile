# One image for api, Rasa and actions; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends make curl git build-essential \
      python3.11-venv && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# Both virtualenvs run the image's Python 3.11 (Rasa from requirements/rasa.lock).
# Only the Debian packages the api needs at run time (fonts), not the test browser.
RUN SYSTEM_PACKAGES=run make setup
EXPOSE 8000 5005 5055
CMD [".venv/bin/uvicorn", "api.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
