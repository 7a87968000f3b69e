"""gunicorn's settings for the Procfile (``gunicorn --config gunicorn.conf.py``).

gunicorn reads every global here whose name is one of its settings: add no other such
names. The port comes from the Procfile's --bind, which the platform fills in.
"""

from bot.gunicorn_app import check_at_start

wsgi_app = "bot.gunicorn_app:create_wsgi_app_from_env()"
# gthread (answering its own errors in Japanese): two processes for two cores, threads
# for Slack's many short requests.
worker_class = "bot.gunicorn_app.Worker"
workers = 2
threads = 8
timeout = 30
graceful_timeout = 20
# gunicorn's own lines in the format and time zone of ours (Settings.tz).
logger_class = "bot.gunicorn_app.Logger"
# The most gunicorn allows: a link to /search?q= from Slack carries up to 500 characters
# (4.5 kB encoded). The search form posts longer questions.
limit_request_line = 8190


def on_starting(server: object) -> None:
    check_at_start()
