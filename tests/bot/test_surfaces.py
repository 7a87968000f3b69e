from bot.report.tables import SURFACE_LABELS
from bot.surfaces import Surface


def test_stored_values_never_change():
    # The usage database and Slack buttons already hold these strings.
    assert [s.value for s in Surface] == [
        "slash", "mention", "dm", "shortcut", "home", "web", "api", "cli",
    ]  # fmt: skip


def test_every_surface_has_a_report_label():
    assert set(SURFACE_LABELS) == set(Surface)
    assert SURFACE_LABELS.get("web") == "ウェブ"  # looked up with the stored string


def test_slack_buttons_name_only_slack_surfaces():
    assert Surface.slack() == {"slash", "mention", "dm", "shortcut", "home"}
