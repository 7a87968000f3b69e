"""Settings.from_env(): the time zone of log lines and of `soudan report`."""

import pytest

from bot.settings import Settings, SettingsError


def test_the_time_zone_is_japan_unless_tz_says_otherwise():
    assert Settings.from_env({}).tz == "Asia/Tokyo"
    assert Settings.from_env({"TZ": "UTC"}).tz == "UTC"
    assert Settings.from_env({"TZ": ":Europe/Berlin"}).tz == "Europe/Berlin"


@pytest.mark.parametrize("value", ["JST-9", "Mars/Olympus", "../etc/passwd"])
def test_a_time_zone_that_is_no_zone_name_is_refused_in_japanese(value):
    with pytest.raises(SettingsError, match="TZ"):
        Settings.from_env({"TZ": value})
