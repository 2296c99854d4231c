"""Which home (data folder) a command uses, and which mailgate.toml holds its settings.

A newcomer runs `mailgate status` from wherever their shell happens to be; what they expect is
the store of the service they started, not a new empty one in the current folder. So:

1. `MAILGATE_HOME` (the environment, or `--env-file`) names the home; its own `mailgate.toml`,
   if it has one, holds the settings.
2. Else the nearest `mailgate.toml` in the current folder or above (as git finds `.git`): its
   `home = "..."` (relative to the file), or the file's own folder.
3. Else `./var` (the checkout's old default), where it exists.
4. Else `./var` all the same, as a place to create a store in: only `serve`, `db upgrade` and
   `demo` create one; every other command says where it looked (`looked_in`) and stops.
"""
from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_NAME = "mailgate.toml"
DEFAULT_HOME = Path("var")


class HomeError(Exception):
    """A mailgate.toml cannot be used; the message names FILE:LINE."""


@dataclass(frozen=True)
class Home:
    path: Path  # absolute
    origin: str  # where the choice came from: "MAILGATE_HOME", a mailgate.toml's path, "./var", ...
    config_file: Path | None  # the mailgate.toml whose settings apply, if any
    config: Mapping[str, Any]  # its contents
    looked_in: str  # for "no store": what was tried, in order

    def describe(self) -> str:
        """`home /srv/mailgate from MAILGATE_HOME`, for the line naming the store."""
        return f"home {self.path} from {self.origin}"


def read_config(path: Path, known: Collection[str]) -> dict[str, Any]:
    """A mailgate.toml's settings (`known` are the settings' names); TOML errors and unknown keys
    named as FILE:LINE."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise HomeError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise HomeError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno attribute: the line is in its message
        where = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise HomeError(f"{path}:{where.group(1) if where else 1}: not valid TOML: {reason}") from None
    unknown = [key for key in data if key not in known]
    if unknown:
        raise HomeError("; ".join(f"{path}:{line_of(text, key)}: unknown setting {key!r} (the settings are "
                                  "MAILGATE_* names without the prefix, in lower case: `mailgate config` lists them)"
                                  for key in unknown))
    return data


def line_of(text: str, key: str) -> int:
    """The line where a top-level key is set (1 when it cannot be told, e.g. a quoted key)."""
    found = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def locate_home(cwd: Path, environ: Mapping[str, str], known: Collection[str], given: Path | None = None) -> Home:
    """The home for a command run in `cwd` with these variables (the environment over an env file);
    `known` are the settings' names; `given` is a home a caller names itself (the demo, the tests),
    like MAILGATE_HOME."""
    explicit = given if given is not None else (Path(environ["MAILGATE_HOME"]) if environ.get("MAILGATE_HOME") else None)
    if explicit is not None:
        path = (cwd / explicit).resolve()
        config_file = path / CONFIG_NAME
        return _home(path, "MAILGATE_HOME" if given is None else "the caller", config_file if config_file.is_file()
                     else None, f"MAILGATE_HOME={path}", known)
    for folder in (cwd, *cwd.parents):
        config_file = folder / CONFIG_NAME
        if config_file.is_file():
            config = read_config(config_file, known)
            home = config.get("home", ".")
            if not isinstance(home, str):
                raise HomeError(f"{config_file}:{line_of(config_file.read_text(), 'home')}: home must be a string "
                                "(a folder, relative to this file)")
            return _home((folder / home).resolve(), str(config_file), config_file, "", known, config)
    looked = (f"MAILGATE_HOME is not set, there is no {CONFIG_NAME} in {cwd} or above, "
              f"and no {DEFAULT_HOME} folder in {cwd}")
    path = (cwd / DEFAULT_HOME).resolve()
    return _home(path, f"./{DEFAULT_HOME}" if path.is_dir() else f"the default ./{DEFAULT_HOME}", None, looked,
                 known)


def _home(path: Path, origin: str, config_file: Path | None, looked_in: str, known: Collection[str],
          config: Mapping[str, Any] | None = None) -> Home:
    if config is None:
        config = read_config(config_file, known) if config_file else {}
    return Home(path=path, origin=origin, config_file=config_file, config=config, looked_in=looked_in)


def environment_with(env_file: str | None) -> dict[str, str]:
    """The MAILGATE_* variables a command sees: those of an --env-file under the environment's."""
    from dotenv import dotenv_values  # pydantic-settings' own dependency, which reads --env-file too

    upper = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith("MAILGATE_")}
    if not env_file:
        return upper
    from_file = {k.upper(): v for k, v in dotenv_values(env_file).items() if v is not None}
    return from_file | upper
