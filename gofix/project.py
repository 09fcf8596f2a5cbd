"""The project model: what a face was told (`Settings`) plus the config file of each file.

Every face fills one `Settings` from its own inputs (the CLI from its flags, the language
server from the client's settings, the bot and triage from theirs) and hands a `Project`
to the engine. The project resolves the config **per file**: the nearest `.gofix.toml` or
`gofix.toml` above the file (as ruff and the language server do), so that in a monorepo
`gofix check a b`, `gofix check b a` and `gofix check .` give each file the same options.
`Settings.config` forces one file for every path; `Settings.isolated` ignores all of them.

Precedence, per setting: the face's value (a flag), else the file's config, else the
default. `explain(path)` says which of the three each setting came from (`gofix config`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gofix.config import Config, ConfigError, find_config, load_config
from gofix.engine import DEFAULT_MAX_FILE_SIZE, DEFAULT_TIME_BUDGET, Options


class SettingsError(Exception):
    """A setting a face was given is not valid (a usage error: exit 2 in the CLI)."""


@dataclass(frozen=True)
class Settings:
    """What a face was told. None (or empty) means "not set": the config file, else the default."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    unsafe_fixes: bool | None = None
    go_version: str | None = None
    exclude: tuple[str, ...] = ()  # added to the config's
    rule_options: tuple[tuple[str, str, Any], ...] = ()  # (rule, key, value), over the config's
    max_file_size: int | None = None
    time_budget: float | None = None  # CPU seconds of analysis per file (0: no limit)
    apply_unverified: bool | None = None  # apply fixes verification could not check
    config: Path | None = None  # this config file for every path
    # When set (the bot), config files are looked for only up to the first of these (the
    # repository), and one that resolves outside all of them is refused unread.
    config_roots: tuple[Path, ...] = ()
    isolated: bool = False  # no config file at all
    jobs: int = 0  # worker processes; 0: one per core
    cache_dir: str | None = None  # None: no cache
    report_unused_ignores: bool = False  # unused-ignore findings (gofix.analysis.suppression)

    @staticmethod
    def parse_rule_options(items: list[str] | tuple[str, ...] | None) -> tuple[tuple[str, str, Any], ...]:
        """`RULE.KEY=VALUE` strings (the --option flag) as rule_options."""
        if not items:
            return ()
        from codemods import RULES  # imports every rule: only when options are given
        from gofix.analysis.options import parse_assignment

        out = []
        for item in items:
            try:  # against the options the rule declares: unknown keys and values are errors
                out.append(parse_assignment(RULES, item))
            except ValueError as e:
                raise SettingsError(f"--option: {e}") from None
        return tuple(out)


DEFAULT_SOURCE = "default"


@dataclass
class Resolved:
    """The options for one config file (or none), and where each setting came from."""

    options: Options
    config: Config
    sources: dict[str, str] = field(default_factory=dict)  # setting -> "--flag", config path or "default"
    apply_unverified: bool = False


class Project:
    """Settings plus config files, resolved per file. Engine entry points accept it wherever
    they accept Options (both have `options_for(path)`)."""

    def __init__(self, settings: Settings | None = None, flag_names: dict[str, str] | None = None) -> None:
        self.settings = settings or Settings()
        # how each setting is called by the face, for `explain` ("--select", "select" ...)
        self.flag_names = flag_names or {}
        self._by_dir: dict[str, Path | None] = {}
        self._walked: dict = {}  # find_config's memo: the directories its walks went through
        self._by_config: dict[Path | None, Resolved] = {}
        s = self.settings
        if s.config is not None and not s.isolated and not Path(s.config).is_file():
            raise SettingsError(f"{s.config}: config file not found")
        _check_rules(s.select, "--select")
        _check_rules(s.ignore, "--ignore")
        for rid, key, _ in s.rule_options:
            _check_rules((rid,), f"--option {rid}.{key}")
        if s.go_version:
            _version(s.go_version, "--go-version")
        self.jobs = max(0, s.jobs)
        self.exclude = tuple(s.exclude)
        self._fix_rules: frozenset[str] | None = None

    def selecting(self, rules) -> "Project":
        """This project applying only the fixes of rules (engine.FixSelection.rules), for every file."""
        import copy

        other = copy.copy(self)  # shares the config caches: same files, same answers
        other._fix_rules = frozenset(rules)
        return other

    # -- resolution

    def config_path(self, path: str | Path) -> Path | None:
        """The config file that applies to path (a file or a directory)."""
        s = self.settings
        if s.isolated:
            return None
        if s.config is not None:
            return self._contained(Path(s.config)) if s.config_roots else Path(s.config).resolve()
        p = Path(os.path.abspath(path))
        directory = str(p if p.is_dir() else p.parent)
        if directory not in self._by_dir:
            found = find_config(Path(directory), stop=s.config_roots[0] if s.config_roots else None,
                                memo=self._walked)
            self._by_dir[directory] = self._contained(found) if found is not None and s.config_roots else found
        return self._by_dir[directory]

    def _contained(self, cfg: Path) -> Path:
        """cfg resolved, if it stays inside config_roots; ConfigError (naming only the file,
        never its content, which is not read) otherwise."""
        roots = [r.resolve() for r in self.settings.config_roots]
        try:
            real = cfg.resolve(strict=True)
        except (OSError, RuntimeError):
            raise ConfigError(f"config file {cfg.name}: cannot be resolved (missing, or a link loop); refused") from None
        if not any(real == r or r in real.parents for r in roots):
            raise ConfigError(f"config file {cfg.name} resolves outside the repository; refused (not read)")
        return real

    def resolved(self, path: str | Path) -> Resolved:
        cfg_path = self.config_path(path)
        hit = self._by_config.get(cfg_path)
        if hit is None:
            hit = self._by_config[cfg_path] = self._resolve(load_config(cfg_path))
        return hit

    def options_for(self, path: str | Path) -> Options:
        """The engine options for one file."""
        options = self.resolved(path).options
        return options if self._fix_rules is None else options.selecting(rules=self._fix_rules)

    def apply_unverified(self, path: str | Path) -> bool:
        return self.resolved(path).apply_unverified

    def explain(self, path: str | Path) -> list[tuple[str, Any, str]]:
        """(setting, value, where it came from) for the settings that apply to path."""
        r = self.resolved(path)
        o = r.options
        values = {
            "select": sorted(o.select) if o.select is not None else "all rules",
            "ignore": sorted(o.ignore),
            "unsafe-fixes": o.unsafe_fixes,
            "go-version": str(o.go_version) if o.go_version else "from go.mod",
            "exclude": list(o.exclude),
            "max-file-size": o.max_file_size,
            "time-budget": o.time_budget,
            "apply-unverified": r.apply_unverified,
            "rules": {k: dict(v) for k, v in sorted(o.rule_options.items())},
            "resources": dict(o.extra_resources),
        }
        return [(k, v, r.sources.get(k, DEFAULT_SOURCE)) for k, v in values.items()]

    def _flag(self, key: str) -> str:
        return self.flag_names.get(key, f"--{key}")

    def _resolve(self, cfg: Config) -> Resolved:
        s = self.settings
        where = str(cfg.path) if cfg.path is not None else DEFAULT_SOURCE
        sources: dict[str, str] = {}

        def pick(key: str, flag_value, cfg_value, default):
            if flag_value is not None:
                sources[key] = self._flag(key)
                return flag_value
            if cfg_value is not None:
                sources[key] = where
                return cfg_value
            return default

        select = pick("select", s.select, cfg.select, None)
        ignore = pick("ignore", s.ignore, cfg.ignore or None, ())
        unsafe = pick("unsafe-fixes", s.unsafe_fixes, cfg.unsafe_fixes, False)
        gv = pick("go-version", s.go_version, cfg.go_version, None)
        version = _version(gv, self._flag("go-version") if s.go_version else f"{where}: go-version") if gv else None
        size = pick("max-file-size", s.max_file_size, cfg.max_file_size, DEFAULT_MAX_FILE_SIZE)
        budget = pick("time-budget", s.time_budget, getattr(cfg, "time_budget", None), DEFAULT_TIME_BUDGET)
        apply_unverified = pick("apply-unverified", s.apply_unverified,
                                getattr(cfg, "apply_unverified", None), False)
        exclude = tuple(s.exclude) + tuple(cfg.exclude)
        if s.exclude:
            sources["exclude"] = self._flag("exclude") + (f" + {where}" if cfg.exclude else "")
        elif cfg.exclude:
            sources["exclude"] = where
        rule_options = {k: dict(v) for k, v in cfg.rule_options.items()}
        if rule_options:
            sources["rules"] = where
        for rid, key, value in s.rule_options:
            rule_options.setdefault(rid, {})[key] = value
            sources["rules"] = self._flag("option") + (f" + {where}" if cfg.rule_options else "")
        if cfg.resources:
            sources["resources"] = where
        options = Options(
            select=frozenset(select) if select is not None else None,
            ignore=frozenset(ignore),
            unsafe_fixes=bool(unsafe),
            go_version=version,
            exclude=exclude,
            rule_options=rule_options,
            max_file_size=size,
            time_budget=budget,
            extra_resources=dict(cfg.resources),
            jobs=self.jobs,
            cache_dir=s.cache_dir,
            report_unused_ignores=s.report_unused_ignores,
        )
        return Resolved(options, cfg, sources, bool(apply_unverified))


def _check_rules(values, flag: str) -> None:
    if not values:
        return
    from codemods import RULE_IDS  # imports every rule: only when rules are named

    for r in values:
        if r not in RULE_IDS:
            raise SettingsError(f"{flag}: unknown rule {r!r} (see `gofix rules`)")


def _version(text: str, what: str):
    from gofix.gomod import parse_version

    try:
        return parse_version(text)
    except ValueError as e:
        raise SettingsError(f"{what}: {e}") from e


__all__ = ["ConfigError", "Project", "Resolved", "Settings", "SettingsError"]
