"""Configuration files: defaults a person sets once instead of repeating options.

Where settings come from, the first that sets a key winning::

    command line > environment (ARROW2BIB_*) > arrow2bib.toml > pyproject.toml [tool.arrow2bib]
    > the user file (platformdirs' user config folder: ~/.config/arrow2bib/arrow2bib.toml)

``arrow2bib.toml`` is the nearest one found upward from the working directory, and
``pyproject.toml`` the nearest one with a ``[tool.arrow2bib]`` table (as ruff finds its own).
``ARROW2BIB_NO_CONFIG=1`` ignores every file (the test suite sets it). The keys::

    key-pattern = "{auth}{year}"        # -k
    format = "biblatex"                 # -t, when neither -t nor an -o of another extension
    skip-checks = ["unknown-venue"]     # --skip-check (a list replaces a lower source's)
    jobs = 1                            # --jobs: a number of processes, or "auto"
    [options]                           # -O for every format that has the option
    links = "url"
    [options.bibtex]                    # -O for one format (beats [options] of the same file)
    omit = ["abstract", "note"]
    [[venues]]                          # entries merged over the built-in venue table
    id = "myconf"
    aliases = ["MyConf"]
    ...

The environment: ``ARROW2BIB_KEY_PATTERN``, ``ARROW2BIB_FORMAT``, ``ARROW2BIB_SKIP_CHECKS``
(comma-separated), ``ARROW2BIB_JOBS`` and ``ARROW2BIB_OPTIONS`` (``NAME=VALUE`` items
separated by ``;``).
A file that is not valid TOML, an unknown key or a value of the wrong type is a
:class:`~arrow2bib.errors.SettingError` naming the file and line.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import SettingError

__all__ = ["ENV_NO_CONFIG", "Layer", "Setting", "Settings", "config_files", "load",
           "user_config_file"]

ENV_NO_CONFIG = "ARROW2BIB_NO_CONFIG"
KEYS = ("key-pattern", "format", "skip-checks", "jobs", "options", "venues")
_FALSE = frozenset(["", "0", "false", "no", "off"])


@dataclass(frozen=True)
class Setting:
    """A value and where it came from (``path:line``, ``environment NAME``, ``command line``)."""

    value: Any
    origin: str


@dataclass
class Layer:
    """The settings of one source (a file or the environment)."""

    name: str
    scalars: dict[str, Setting] = field(default_factory=dict)
    #: format name ("" for every format) -> option name -> setting
    options: dict[str, dict[str, Setting]] = field(default_factory=dict)
    venues: list[Setting] = field(default_factory=list)


@dataclass
class Settings:
    """The layers, lowest precedence first; the accessors give the effective values."""

    layers: list[Layer] = field(default_factory=list)
    #: Files looked at, in precedence order, whether found or not (for ``arrow2bib config``).
    searched: list[tuple[str, Path | None]] = field(default_factory=list)

    def get(self, key: str) -> Setting | None:
        """The effective ``key-pattern``, ``format``, ``skip-checks`` or ``jobs``."""
        found = None
        for layer in self.layers:
            found = layer.scalars.get(key, found)
        return found

    def options(self, fmt: str, known: Iterable[str]) -> dict[str, Setting]:
        """The options for format ``fmt`` (whose option names are ``known``): each layer's
        ``[options]`` (the names ``fmt`` has) under its ``[options.FMT]``, layers in order.
        A name in ``[options.FMT]`` that ``fmt`` lacks is a :class:`SettingError`."""
        known = set(known)
        result: dict[str, Setting] = {}
        for layer in self.layers:
            for name, setting in layer.options.get("", {}).items():
                if name in known:
                    result[name] = setting
            for name, setting in layer.options.get(fmt, {}).items():
                if name not in known:
                    raise SettingError(
                        f"{setting.origin}: the {fmt} format has no option {name!r} (its "
                        f"options: {', '.join(sorted(known)) or 'none'}).")
                result[name] = setting
        return result

    def check_options(self, formats: Mapping[str, Iterable[str]]) -> None:
        """Refuse options no format can take, naming where they were set: an
        ``[options.FMT]`` table for a format that does not exist (``[options.bibtx]``), and an
        ``[options]`` name (or one of ``ARROW2BIB_OPTIONS``) that no format has (``linkz``,
        or ``format = "ris"`` written under ``[options]``): ignored, they changed nothing in
        silence. ``formats`` maps each format's names (aliases too, lower case) to its
        option names."""
        every = {name for options in formats.values() for name in options}
        for layer in self.layers:
            for fmt, options in layer.options.items():
                if fmt and fmt.lower() not in formats:
                    origin = next(iter(options.values())).origin if options else layer.name
                    raise SettingError(
                        f"{origin}: [options.{fmt}] names no format (the formats: "
                        f"{', '.join(sorted(set(map(str.lower, formats))))}).")
            for name, setting in layer.options.get("", {}).items():
                if name not in every:
                    hint = (f"; {name!r} is a setting of its own: write it before the first "
                            "[table]" if name in KEYS else "")
                    raise SettingError(
                        f"{setting.origin}: no format has the option {name!r} (the options: "
                        f"{', '.join(sorted(every))}){hint}.")

    def all_options(self) -> dict[str, dict[str, Setting]]:
        """Every option set, by format ("" for every format), higher layers winning."""
        result: dict[str, dict[str, Setting]] = {}
        for layer in self.layers:
            for fmt, options in layer.options.items():
                result.setdefault(fmt, {}).update(options)
        return result

    def venues(self) -> list[Setting]:
        """User venue entries, lowest precedence first (a later entry with an id replaces an
        earlier one)."""
        by_id: dict[str, Setting] = {}
        for layer in self.layers:
            for entry in layer.venues:
                by_id.pop(entry.value["id"], None)
                by_id[entry.value["id"]] = entry
        return list(by_id.values())


def user_config_file(env: Mapping[str, str] | None = None) -> Path:
    """The user-level file: ``arrow2bib.toml`` in platformdirs' user config folder."""
    from platformdirs import user_config_path

    return user_config_path("arrow2bib", appauthor=False) / "arrow2bib.toml"


def _is_file(path: Path, ours: bool = False) -> bool:
    """Whether ``path`` is a file; one that cannot even be looked at (a folder on its way
    without permission) is an error naming it, not Python's PermissionError. With ``ours``
    (a name only arrow2bib's settings have), something there that is no file (a folder, a
    FIFO) is an error too: passed over, the settings a user put there would not apply."""
    try:
        if path.is_file():
            return True
        there = ours and (path.exists() or path.is_symlink())
    except OSError as exc:
        raise SettingError(f"{path}: cannot read this settings file "
                           f"({exc.strerror or exc}).") from None
    if there:
        what = "a folder" if path.is_dir() else (
            "a broken symbolic link" if not path.exists() else "not a regular file")
        raise SettingError(f"{path}: this is {what}, not a settings file; rename or remove it "
                           "(or set ARROW2BIB_NO_CONFIG=1 to read no settings file).")
    return False


def _upward(start: Path, name: str, table: bool = False) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / name
        if _is_file(candidate, ours=not table):
            if not table:
                return candidate
            try:
                text = candidate.read_text("utf-8-sig")
                data = _toml(text)
            except (OSError, UnicodeDecodeError):
                continue  # not ours to judge: a project's unreadable pyproject.toml
            except ValueError:  # TOMLDecodeError, or a number int() refuses
                if "tool.arrow2bib" in text:
                    return candidate  # meant for us: its error is reported (_file_layer)
                continue  # not ours to judge: a project's broken pyproject.toml
            if isinstance(data.get("tool"), dict) and "arrow2bib" in data["tool"]:
                return candidate
    return None


def config_files(cwd: Path) -> list[tuple[str, Path | None]]:
    """The files that may hold settings, lowest precedence first: (kind, path or None)."""
    return [("user file", user_config_file()),
            ("pyproject.toml", _upward(cwd, "pyproject.toml", table=True)),
            ("arrow2bib.toml", _upward(cwd, "arrow2bib.toml"))]


def load(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """The settings of the files found from ``cwd`` and of ``env`` (default: the process's)."""
    cwd = Path.cwd() if cwd is None else cwd
    env = os.environ if env is None else env
    settings = Settings()
    if env.get(ENV_NO_CONFIG, "").strip().lower() in _FALSE:
        settings.searched = config_files(cwd)
        for kind, path in settings.searched:
            if path is not None and _is_file(path, ours=kind != "pyproject.toml"):
                settings.layers.append(_file_layer(path, pyproject=kind == "pyproject.toml"))
    settings.layers.append(_env_layer(env))
    return settings


# -- reading a file ----------------------------------------------------------------------------

def _file_layer(path: Path, *, pyproject: bool) -> Layer:
    try:
        text = path.read_text("utf-8-sig")  # a byte-order mark (Notepad's) is not TOML's
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingError(f"{path}: cannot read this settings file ({exc}).") from None
    try:
        data = _toml(text)
    except ValueError as exc:  # TOMLDecodeError, or int()'s own refusal of a huge number
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        huge = None if match else re.search(r"[0-9_]{4300,}", text)  # int()'s refusal
        where = (f"{path}:{match.group(1)}" if match else
                 f"{path}:{text.count(chr(10), 0, huge.start()) + 1}" if huge else str(path))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise SettingError(f"{where}: not valid TOML: {message}.") from None
    prefix: tuple[str, ...] = ()
    if pyproject:
        data, prefix = data["tool"]["arrow2bib"], ("tool", "arrow2bib")
    lines = _Lines(path, text, prefix)
    if not isinstance(data, dict):
        raise SettingError(f"{lines.at()}: [tool.arrow2bib] must be a table.")
    layer = Layer(str(path))
    for key, value in data.items():
        if key not in KEYS:
            raise SettingError(f"{lines.at(key)}: unknown setting {key!r} (the settings: "
                               f"{', '.join(KEYS)}).")
        if key in ("key-pattern", "format"):
            if not isinstance(value, str) or not value.strip():
                raise SettingError(f"{lines.at(key)}: {key} must be a non-empty string.")
            layer.scalars[key] = Setting(value, lines.at(key))
        elif key == "skip-checks":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise SettingError(f"{lines.at(key)}: skip-checks must be a list of check "
                                   "names.")
            layer.scalars[key] = Setting(tuple(value), lines.at(key))
        elif key == "jobs":
            layer.scalars[key] = Setting(_jobs(value, lines.at(key)), lines.at(key))
        elif key == "options":
            _options(layer, value, lines)
        else:
            _venues(layer, value, lines)
    return layer


def _jobs(value: Any, where: str) -> int | str:
    """A ``jobs`` setting: a number of processes, 1 or more, or ``"auto"`` (how many a run
    may take is the command line's to check, as for ``--jobs``)."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    number = value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 10:
        number = int(value)  # the environment's text (int() refuses 4,300 digits and more)
    if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
        return number
    shown = ("true" if value else "false") if isinstance(value, bool) else repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    raise SettingError(f"{where}: jobs is a number of processes, 1 or more, or \"auto\", "
                       f"not {shown}.")


def _option_value(value: Any, where: str) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise SettingError(f"{where}: an option's value is a string (or a list of strings).")


def _options(layer: Layer, value: Any, lines: _Lines) -> None:
    if not isinstance(value, dict):
        raise SettingError(f"{lines.at('options')}: options must be a table.")
    for name, item in value.items():
        if isinstance(item, dict):  # [options.FORMAT]
            for option, setting in item.items():
                where = lines.at("options", name, option)
                layer.options.setdefault(name, {})[option] = Setting(
                    _option_value(setting, where), where)
        else:
            where = lines.at("options", name)
            layer.options.setdefault("", {})[name] = Setting(_option_value(item, where), where)


def _venues(layer: Layer, value: Any, lines: _Lines) -> None:
    from .venues import VenueTableError, check_user_entry

    if not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
        raise SettingError(f"{lines.at('venues')}: venues must be an array of tables "
                           "([[venues]]).")
    for number, entry in enumerate(value):
        where = lines.venue(number)
        try:
            check_user_entry(entry)
        except VenueTableError as exc:
            raise SettingError(f"{where}: {exc}") from None
        layer.venues.append(Setting(entry, where))


def _toml(text: str) -> dict[str, Any]:
    """``text`` read as TOML. tomllib is imported here, on the first settings file: most
    runs read none."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


class _Lines:
    """Line numbers of keys in a TOML text (tomllib gives values, not where they were)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, path: Path, text: str, prefix: tuple[str, ...]) -> None:
        self.path, self.prefix = path, prefix
        self.keys: dict[tuple[str, ...], int] = {}
        self.arrays: dict[tuple[str, ...], list[int]] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = _dotted(header.group(1))
                self.keys.setdefault(table, number)
                if line.lstrip().startswith("[["):
                    self.arrays.setdefault(table, []).append(number)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault(table + _dotted(key.group(1)), number)

    def at(self, *key: str) -> str:
        """``path:line`` of ``key`` (of the nearest enclosing table when not found)."""
        path = self.prefix + key
        while path:
            if path in self.keys:
                return f"{self.path}:{self.keys[path]}"
            path = path[:-1]
        return f"{self.path}:1"

    def venue(self, number: int) -> str:
        """``path:line`` of the ``number``-th ``[[venues]]`` table."""
        starts = self.arrays.get(self.prefix + ("venues",), [])
        return f"{self.path}:{starts[number]}" if number < len(starts) else self.at("venues")


def _dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(
        r"""\s*("[^"]*"|'[^']*'|[^.]+)\s*(?:\.|$)""", name))


# -- the environment ---------------------------------------------------------------------------

def _env_layer(env: Mapping[str, str]) -> Layer:
    layer = Layer("environment")
    for key, name in (("key-pattern", "ARROW2BIB_KEY_PATTERN"), ("format", "ARROW2BIB_FORMAT")):
        if env.get(name, "").strip():
            layer.scalars[key] = Setting(env[name].strip(), f"environment {name}")
    if env.get("ARROW2BIB_SKIP_CHECKS", "").strip():
        names = tuple(n.strip() for n in env["ARROW2BIB_SKIP_CHECKS"].split(",") if n.strip())
        layer.scalars["skip-checks"] = Setting(names, "environment ARROW2BIB_SKIP_CHECKS")
    if env.get("ARROW2BIB_JOBS", "").strip():
        origin = "environment ARROW2BIB_JOBS"
        layer.scalars["jobs"] = Setting(_jobs(env["ARROW2BIB_JOBS"], origin), origin)
    for item in env.get("ARROW2BIB_OPTIONS", "").split(";"):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"environment ARROW2BIB_OPTIONS: {item.strip()!r} is not "
                               "NAME=VALUE (items are separated by ';').")
        layer.options.setdefault("", {})[name.strip()] = Setting(
            value.strip(), "environment ARROW2BIB_OPTIONS")
    return layer
