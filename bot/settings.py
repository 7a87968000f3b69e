"""Settings.from_env(): the one place that reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from index.errors import SoudanError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = ROOT / "data"
DEFAULT_DB_PATH = Path("var/soudan.db")
# Sudachi analyses of the data files (never of questions), reused across restarts.
DEFAULT_CACHE_DIR = Path("var/cache")
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
# Log lines and `soudan report` days: the city's time, whatever the machine's zone, unless
# the operator sets TZ.
DEFAULT_TZ = "Asia/Tokyo"


class SettingsError(SoudanError):
    """A missing or malformed environment variable; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    slack_bot_token: str | None = None
    slack_app_token: str | None = None  # Socket Mode
    slack_signing_secret: str | None = None  # HTTP mode
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    data_dir: Path = DEFAULT_DATA_DIR
    db_path: Path = DEFAULT_DB_PATH
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_question_text: bool = False
    log_retention_days: int = 30
    learn_from_corrections: bool = True
    user_hash_salt: str = ""
    official_plan_url: str = ""
    tz: str = DEFAULT_TZ

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def slack_mode(self) -> str | None:
        """ "socket", "http" or None (pages only)."""
        if not self.slack_bot_token:
            return None
        if self.slack_app_token:
            return "socket"
        if self.slack_signing_secret:
            return "http"
        return None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        if env is None:
            if dotenv:
                _load_dotenv()
            env = os.environ
        get = _Reader(env)
        settings = cls(
            slack_bot_token=get.token("SLACK_BOT_TOKEN", "xoxb-"),
            slack_app_token=get.token("SLACK_APP_TOKEN", "xapp-"),
            slack_signing_secret=get.optional("SLACK_SIGNING_SECRET"),
            public_base_url=get.url("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL).rstrip("/"),
            slack_api_url=_with_slash(get.url("SLACK_API_URL", DEFAULT_SLACK_API_URL)),
            data_dir=Path(get.optional("DATA_DIR") or DEFAULT_DATA_DIR),
            db_path=Path(get.optional("DB_PATH") or DEFAULT_DB_PATH),
            cache_dir=Path(get.optional("CACHE_DIR") or DEFAULT_CACHE_DIR),
            host=get.optional("HOST") or "127.0.0.1",
            port=get.integer("PORT", 8000, low=1, high=65535),
            log_level=get.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
            log_question_text=get.flag("LOG_QUESTION_TEXT"),
            log_retention_days=get.integer("LOG_RETENTION_DAYS", 30, low=1, high=3650),
            learn_from_corrections=get.flag("LEARN_FROM_CORRECTIONS", default=True),
            user_hash_salt=get.optional("USER_HASH_SALT") or "",
            official_plan_url=get.url("OFFICIAL_PLAN_URL", ""),
            tz=get.zone("TZ", DEFAULT_TZ),
        )
        if settings.slack_bot_token and not (
            settings.slack_app_token or settings.slack_signing_secret
        ):
            raise SettingsError(
                "SLACK_BOT_TOKEN があるときは SLACK_APP_TOKEN（ソケットモード）か "
                "SLACK_SIGNING_SECRET（HTTP モード）を設定してください。"
            )
        if (settings.slack_app_token or settings.slack_signing_secret) and not (
            settings.slack_bot_token
        ):
            raise SettingsError("環境変数 SLACK_BOT_TOKEN が設定されていません。")
        return settings


class _Reader:
    def __init__(self, env: Mapping[str, str]):
        self.env = env

    def optional(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def token(self, name: str, prefix: str) -> str | None:
        value = self.optional(name)
        if value is not None and (not value.startswith(prefix) or any(c.isspace() for c in value)):
            raise SettingsError(
                f"環境変数 {name} の形式が正しくありません（{prefix} で始まる値）。"
            )
        return value

    def url(self, name: str, default: str) -> str:
        value = self.optional(name)
        if value is None:
            return default
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SettingsError(
                f"環境変数 {name} の形式が正しくありません（http(s):// で始まる URL）。"
            )
        return value

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self.optional(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise SettingsError(
                f"環境変数 {name} の形式が正しくありません（{low}〜{high} の整数）。"
            )
        return number

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = (self.optional(name) or ("1" if default else "0")).lower()
        if value not in ("0", "1", "true", "false", "yes", "no"):
            raise SettingsError(f"環境変数 {name} の形式が正しくありません（1 または 0）。")
        return value in ("1", "true", "yes")

    def zone(self, name: str, default: str) -> str:
        # TZ=:Asia/Tokyo is the C library's spelling of the same zone.
        value = (self.optional(name) or default).removeprefix(":")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"環境変数 {name} の形式が正しくありません（Asia/Tokyo のようなタイムゾーン名）。"
            ) from None
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = (self.optional(name) or default).upper()
        if value not in choices:
            raise SettingsError(
                f"環境変数 {name} の形式が正しくありません（{' / '.join(choices)} のいずれか）。"
            )
        return value


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _load_dotenv() -> None:
    from dotenv import load_dotenv

    # Values already in the environment win over the file, as operators expect.
    load_dotenv(Path.cwd() / ".env", override=False)
