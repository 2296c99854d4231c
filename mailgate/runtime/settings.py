"""The one typed settings object, read once from MAILGATE_* variables, an --env-file and the home's
mailgate.toml (in that order of precedence; mailgate/runtime/home.py finds the home and the file)."""
from __future__ import annotations

import ipaddress
import os
import re
import secrets
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, TomlConfigSettingsSource

from mailgate.gateway.data_spool import DEFAULT_THRESHOLD
from mailgate.runtime.home import Home, HomeError, environment_with, line_of, locate_home
from store.hostport import masked_url, parse_host_port

# The mailgate.toml of the settings being read. pydantic-settings builds its sources in a classmethod,
# so the file of this one load reaches it here rather than through a class made per file.
_TOML_FILE: ContextVar[Path | None] = ContextVar("mailgate_toml_file", default=None)


def default_gateway_processes() -> int:
    """Two gateway processes where there are two cores to run them: one process shares its
    interpreter lock between the gateway and the actors and acknowledges a burst at about
    0.8 of a bare aiosmtpd's rate; two reach it (docs/performance.md)."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


# Where `mailgate archive serve` previews, and what mails link to when `serve` serves no archive.
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


class SettingsError(Exception):
    """A setting has a bad value; the message names the variable and what to fix."""


class Settings(BaseSettings):
    """Every MAILGATE_* setting with its default. `mailgate config` prints them."""

    model_config = SettingsConfigDict(env_prefix="MAILGATE_", extra="ignore")
    # Where the home and each value came from (load_settings fills them): `mailgate config` shows them.
    _home: Home | None = PrivateAttr(None)
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        """Arguments, then the environment, then --env-file, then the mailgate.toml, then the defaults."""
        toml_file = _TOML_FILE.get()
        toml = (TomlConfigSettingsSource(settings_cls, toml_file=toml_file),) if toml_file else ()
        return init_settings, env_settings, dotenv_settings, *toml, file_secret_settings

    home: Path = Field(Path("./var"), description="data folder: SQLite file, secret, blobs, outbox Maildir")
    database_url: str = Field("", description="SQLAlchemy URL; default sqlite:///$HOME/mailgate.db; postgresql://… works")
    broker_url: str = Field("", description="empty = in-process broker and worker threads; redis://… for scale-out")
    domain: str = Field("mailgate.localhost", description="the mail domain every mailgate address is under")
    secret: SecretStr = Field(SecretStr(""), description="site secret for address tokens; generated into $HOME/secret when unset")
    broker_namespace: str = Field("mailgate", pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                  description="prefix of mailgate's Redis keys: several instances can share one Redis")
    smtp: str = Field("127.0.0.1:2525", description="SMTP listen address HOST:PORT")
    lmtp: str = Field("", description="LMTP listen address HOST:PORT (for Postfix/Exim); empty = off")
    policy: str = Field("", description="Postfix policy service HOST:PORT (check_policy_service): RCPT verdicts "
                        "for the MTA in front, docs/deploy.md; empty = off")
    relay: str = Field("", description="outbound smarthost HOST:PORT; empty = write to Maildir $HOME/outbox")
    http: str = Field("127.0.0.1:8000", description="HTTP listen address HOST:PORT of `serve`: the archive, kept "
                      "built in MAILGATE_ARCHIVE_DIR; empty = off (a real web server serves the archive)")
    archive_dir: str = Field("", description="folder `serve` keeps the archive built in; empty = $HOME/archive "
                             "while MAILGATE_HTTP is set, else `serve` builds none (run `mailgate archive build`)")
    site_url: str = Field("", description="public URL of the archive, used in mails; empty = http://MAILGATE_HTTP/ "
                          "(the archive `serve` serves), or http://127.0.0.1:8000/ when that is off")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="what `serve` logs: INFO says what it does (start-up, one line per accepted message "
        "and per delivery); WARNING only what needs an operator")
    log_traffic: bool = Field(True, description="one INFO line per accepted message and per delivery "
                              "(`serve --quiet` sets false)")
    max_message_size: int = Field(25 * 1024 * 1024, gt=0, description="largest inbound message in bytes (552 above)")
    spool_threshold: int = Field(DEFAULT_THRESHOLD, ge=0, description="inbound DATA past this many bytes waits in a "
                                 "temporary file ($TMPDIR), and such large messages are stored one at a time; "
                                 "0 = keep all in memory")
    tls_cert: str = Field("", description="PEM certificate for STARTTLS; empty = no STARTTLS")
    tls_key: str = Field("", description="PEM private key for STARTTLS")
    client_connection_limit: int = Field(50, ge=0, description="open connections per client address, "
                                         "in each gateway process (0 = no limit); 421 beyond")
    client_connection_rate_limit: int = Field(100, ge=0, description="connections per client address per "
                                              "MAILGATE_CLIENT_LIMIT_WINDOW, in each gateway process (0 = no limit)")
    session_refused_recipient_limit: int = Field(20, ge=0, description="refused recipients in one session "
                                                 "before a 421 and a close (0 = no limit)")
    client_refused_recipient_limit: int = Field(60, ge=0, description="refused recipients per client address per "
                                                "MAILGATE_CLIENT_LIMIT_WINDOW before a 421 and a close (0 = no limit)")
    client_limit_window: float = Field(60.0, gt=0, description="seconds over which the per-client rates are counted")
    idle_timeout: float = Field(300.0, gt=0, description="seconds a client may stay silent before a 421 and a close")
    xforward_hosts: str = Field("127.0.0.0/8 ::1", description="addresses or networks that may name the client "
                                "with XFORWARD over LMTP (the MTA in front); empty = none")
    worker_threads: int = Field(4, ge=1, le=64, description="actor threads in `serve`/`worker`")
    gateway_processes: int = Field(default_factory=lambda: default_gateway_processes(), ge=1, le=32,
                                   description="SMTP gateway processes sharing the port (SO_REUSEPORT); "
                                   "default 2 with two or more cores, else 1")
    sweep_interval: float = Field(30.0, gt=0, description="seconds between sweeps for unfinished work")
    max_attempts: int = Field(5, ge=1, description="processing failures before an inbound message is set aside")
    service_name: str = Field("mailgate", description="name the service signs mail with")
    country: str = Field("GB", description="ISO country for public holidays in FOI deadlines")
    response_days: int = Field(20, ge=1, description="working days until a request is overdue")
    very_overdue_days: int = Field(40, ge=1, description="working days until a request is very overdue")
    authority_only_after_days: int = Field(183, ge=1, description="silent days until only the authority may post")
    closed_after_days: int = Field(730, ge=1, description="silent days until nobody may post")
    spam_threshold: float = Field(5.0, description="upstream spam score at or above which mail is spam")
    dkim_key: str = Field("", description="PEM private key to DKIM-sign outbound mail for MAILGATE_DOMAIN; empty = unsigned")
    dkim_selector: str = Field("mailgate", description="DKIM selector: publish the key at SELECTOR._domainkey.DOMAIN")
    sender_trust: Literal["none", "upstream", "verify"] = Field(
        "none", description="where the sender-trust verdict's evidence comes from: none = only failures count "
        "(the embedded default); upstream = Authentication-Results of our own MTA (MAILGATE_AUTHSERV_ID); "
        "verify = mailgate checks SPF, DKIM and DMARC itself")
    authserv_id: str = Field("", description="the authserv-id our own MTA writes in Authentication-Results "
                             "(required with MAILGATE_SENDER_TRUST=upstream); also the id of mailgate's own checks")
    dns_resolver: str = Field("", description="HOST:PORT of the DNS resolver for MAILGATE_SENDER_TRUST=verify; "
                              "empty = the system's (/etc/resolv.conf)")
    loop_forwards_per_hour: int = Field(5, ge=1, description="automatic forwards per thread and direction per "
                                        "hour (a follow-up to the authority, a reply's notice to the requester); "
                                        "more are held as a loop")
    loop_similarity: float = Field(0.9, gt=0, le=1, description="a message this similar (0-1) to one of the last "
                                   "five from the same side of its thread is held as a loop, not forwarded")
    stranger_mails_per_hour: int = Field(1, ge=0, description="mails to one address that has not shown it is "
                                         "who it says (confirmations, challenges) per hour")
    stranger_mails_per_client_per_day: int = Field(50, ge=0, description="such mails caused by one SMTP client "
                                                   "(IP address) per day")
    report_questionnaire_days: int = Field(28, ge=1, description="days after a problem report is sent before "
                                           "the reporter is asked whether it was fixed")
    time_zone: str = Field("Europe/London", description="the site's time zone (IANA name): daily alert digests go "
                           "at 07:00 there, weekly ones on its Mondays")
    digest_items_per_alert: int = Field(5, ge=1, description="items a digest lists per alert before "
                                        "\"and K more\" with a link")
    letters_per_sender_per_day: int = Field(5, ge=1, description="letters to representatives delivered for one "
                                            "constituent (email address) per day; more are refused with when to "
                                            "write again")
    letters_per_representative_per_day: int = Field(200, ge=1, description="letters delivered to one "
                                                    "representative per day")
    phone_patterns: str = Field("", description="extra phone-number regexes to redact, separated by ';;' "
                                "(UK and international numbers are always redacted)")

    @model_validator(mode="after")
    def _authserv_id(self) -> Settings:
        if not self.authserv_id and self.sender_trust == "upstream":
            raise ValueError("MAILGATE_SENDER_TRUST=upstream needs MAILGATE_AUTHSERV_ID: the authserv-id your MTA "
                             "writes first in its Authentication-Results header (often its host name)")
        return self

    @model_validator(mode="after")
    def _site_url(self) -> Settings:
        """The mails link to the archive `serve` serves, unless told otherwise. With port 0 the URL is known
        only once the port is bound: the Service fills it in then."""
        if not self.site_url:
            if not self.http:
                self.site_url = DEFAULT_SITE_URL
            elif parse_host_port(self.http, "MAILGATE_HTTP")[1]:
                self.site_url = f"http://{self.http}/"
        return self

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"MAILGATE_TIME_ZONE: {value!r} is not a time zone name such as Europe/London") from None
        return value

    @field_validator("http", mode="before")
    @classmethod
    def _http_off(cls, value: object) -> object:
        return "" if isinstance(value, str) and value.strip().lower() in ("", "0", "off", "none") else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("smtp", "lmtp", "policy", "relay", "dns_resolver", "http")
    @classmethod
    def _host_port(cls, value: str, info) -> str:
        if value:
            parse_host_port(value, f"MAILGATE_{info.field_name.upper()}")
        return value

    @field_validator("xforward_hosts")
    @classmethod
    def _xforward_hosts(cls, value: str) -> str:
        for host in value.replace(",", " ").split():
            try:
                ipaddress.ip_network(host, strict=False)
            except ValueError:
                raise ValueError(f"MAILGATE_XFORWARD_HOSTS: {host!r} is not an address or network") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError("MAILGATE_DATABASE_URL must start with sqlite:// or postgresql://")
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "stub:")):
            raise ValueError("MAILGATE_BROKER_URL must be empty (in-process) or redis://HOST:PORT/DB")
        return value

    @field_validator("dkim_key")
    @classmethod
    def _dkim_key(cls, value: str) -> str:
        if value:
            try:
                text = Path(value).read_text()
            except OSError as exc:
                raise ValueError(f"MAILGATE_DKIM_KEY: cannot read {value}: {exc.strerror}") from None
            if "PRIVATE KEY-----" not in text:
                raise ValueError(f"MAILGATE_DKIM_KEY: {value} is not a PEM private key")
        return value

    @field_validator("phone_patterns")
    @classmethod
    def _phone_patterns(cls, value: str) -> str:
        for pattern in filter(str.strip, value.split(";;")):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"MAILGATE_PHONE_PATTERNS: {pattern!r} is not a valid regular expression ({exc})") from exc
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        value = value.strip().lower()
        if not value or "@" in value or " " in value:
            raise ValueError("MAILGATE_DOMAIN must be a bare domain such as foi.example.org")
        return value

    # -- derived values -------------------------------------------------------

    @property
    def store_url(self) -> str:
        """MAILGATE_DATABASE_URL as the operator wrote it, or the default SQLite file in the home."""
        return self.database_url or f"sqlite:///{self.home.resolve() / 'mailgate.db'}"

    @property
    def sqlalchemy_url(self) -> str:
        url = self.store_url
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url

    @property
    def archive_path(self) -> Path | None:
        """Where `serve` keeps the archive built; None: it builds none."""
        if self.archive_dir:
            return Path(self.archive_dir)
        return self.home / "archive" if self.http else None

    @property
    def secret_bytes(self) -> bytes:
        return self.secret.get_secret_value().encode()

    @property
    def xforward_networks(self) -> tuple[str, ...]:
        return tuple(self.xforward_hosts.replace(",", " ").split())

    @property
    def extra_phone_patterns(self) -> list[str]:
        return [p for p in self.phone_patterns.split(";;") if p.strip()]

    @property
    def home_found(self) -> Home:
        """How the home was chosen (a Settings made without load_settings: as given)."""
        return self._home or Home(path=self.home.resolve(), origin="the caller", config_file=None, config={},
                                  looked_in="")

    def origin(self, name: str) -> str:
        """Where a setting's value came from: environment, an --env-file, a mailgate.toml, default."""
        return self._origins.get(name, "default")

    def masked(self) -> dict[str, str]:
        """Effective settings as MAILGATE_* strings, secrets and passwords hidden; the database URL
        as used (the SQLite file in the home when MAILGATE_DATABASE_URL is empty)."""
        shown = {}
        for name in type(self).model_fields:
            value = self.store_url if name == "database_url" else getattr(self, name)
            if isinstance(value, SecretStr):
                text = "********" if value.get_secret_value() else "(unset)"
            else:
                text = masked_url(str(value)) if name.endswith("_url") else str(value)
            shown[f"MAILGATE_{name.upper()}"] = text
        return shown


def load_settings(env_file: str | None = None, *, cwd: Path | None = None, create_home: bool = True,
                  **overrides) -> Settings:
    """Read settings from the environment, an optional env file and the home's mailgate.toml.
    With `create_home` (the service, the demo, the tests), make the home folder and the site
    secret; without it (the CLI), only read them: store_settings_of (mailgate/cli/support.py) creates
    them for the commands that may create a store.
    Raises SettingsError naming the variable (and the file and line) at fault."""
    environ = environment_with(env_file)
    try:
        home = locate_home(cwd or Path.cwd(), environ, Settings.model_fields,
                           Path(overrides.pop("home")) if "home" in overrides else None)
    except HomeError as exc:
        raise SettingsError(str(exc)) from None
    origins = _origins(home, env_file, overrides)
    token = _TOML_FILE.set(home.config_file)
    try:
        settings = Settings(_env_file=env_file, home=home.path, **overrides)
    except ValidationError as exc:
        raise SettingsError("bad setting: " + "; ".join(_problem(error, home, origins) for error in exc.errors())) from None
    finally:
        _TOML_FILE.reset(token)
    settings._home, settings._origins = home, origins
    if create_home:
        prepare_home(settings)
    elif not settings.secret.get_secret_value() and (home.path / "secret").is_file():
        use_stored_secret(settings)
    return settings


def prepare_home(settings: Settings) -> None:
    """Make the home folder and, unless MAILGATE_SECRET is set, the site secret kept in it."""
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"MAILGATE_HOME: cannot create {settings.home}: {exc.strerror}") from None
    if not settings.secret.get_secret_value():
        use_stored_secret(settings)


def use_stored_secret(settings: Settings) -> None:
    settings.secret = SecretStr(_stored_secret(settings.home / "secret"))
    settings._origins["secret"] = str(settings.home / "secret")


def _origins(home: Home, env_file: str | None, overrides: dict) -> dict[str, str]:
    environment = {k.upper() for k in os.environ}
    from_file = set(environment_with(env_file)) - environment if env_file else set()
    origins = {"home": home.origin}
    for name in Settings.model_fields:
        variable = f"MAILGATE_{name.upper()}"
        if name == "home":
            continue
        if name in overrides:
            origins[name] = "the command line"
        elif variable in environment:
            origins[name] = "environment"
        elif variable in from_file:
            origins[name] = str(env_file)
        elif name in home.config:
            origins[name] = str(home.config_file)
    return origins


def _problem(error, home: Home, origins: dict[str, str]) -> str:
    """One validation error as a sentence naming the variable, and the file (and line) it came from."""
    name = "_".join(str(p) for p in error["loc"])
    variable = f"MAILGATE_{name.upper()}"
    message = error["msg"].removeprefix("Value error, ")
    if not message.startswith(variable):
        message = f"{variable}: {message} (got {error.get('input')!r})"
    origin = origins.get(name)
    if home.config_file and origin == str(home.config_file):
        message += f" (set at {home.config_file}:{line_of(home.config_file.read_text(), name)} as {name})"
    elif origin and origin not in ("environment", "the command line"):
        message += f" (set in {origin})"
    return message


def _stored_secret(path: Path) -> str:
    """The secret kept in home, made on first use (and never changed: tokens depend on it)."""
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(32)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value
