"""Every surface of 相談ナビ: Slack app, web pages, CLI."""
