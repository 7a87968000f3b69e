"""Where a question comes from: one name for each way of asking."""

from __future__ import annotations

from enum import StrEnum


class Surface(StrEnum):
    """The values are stored in the usage database (answers.surface, feedback.surface) and
    carried in Slack button values: a value never changes, a new surface gets a new one."""

    SLASH = "slash"  # /soudan
    MENTION = "mention"  # @相談ナビ in a channel
    DM = "dm"  # a direct message to the app
    SHORTCUT = "shortcut"  # the message shortcut 「関連する取組を探す」
    HOME = "home"  # the App Home tab
    WEB = "web"  # the search page
    API = "api"  # /api/search
    CLI = "cli"  # soudan search

    @classmethod
    def slack(cls) -> frozenset[Surface]:
        """The surfaces a Slack button may name."""
        return frozenset({cls.SLASH, cls.MENTION, cls.DM, cls.SHORTCUT, cls.HOME})
