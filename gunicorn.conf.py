"""gunicorn's settings for the Procfile (``gunicorn --config gunicorn.conf.py``).

gunicorn reads every global here whose name is one of its settings: add no other such
names. The port comes from the Procfile's --bind, which the platform fills in.
"""

from bot.gunicorn_app import check_at_start

wsgi_app = "bot.gunicorn_app:create_wsgi_app_from_env()"
# gthread: two processes for two cores, threads for Slack's many short requests.
worker_class = "gthread"
workers = 2
threads = 8
timeout = 30
graceful_timeout = 20


def on_starting(server: object) -> None:
    check_at_start()
