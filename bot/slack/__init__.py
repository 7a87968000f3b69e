"""The Slack app: slash command, mentions, direct messages, message shortcut, App Home.

``create_slack_app(settings, service)`` in ``bot.slack.app`` builds it; ``bot.commands.run``
connects it by Socket Mode and ``bot.wsgi`` serves it over HTTP at /slack/events.
"""
