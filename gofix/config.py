"""The project config file: `.gofix.toml` or `gofix.toml`, found by walking up from a path.

```toml
select = ["lost-cancel", "unclosed-body"]   # default: every rule
ignore = ["defer-in-loop"]
exclude = ["internal/legacy/*"]
unsafe-fixes = false
apply-unverified = false                    # fix: also apply fixes go build/vet could not check
max-file-size = 4194304

[rules.time-after-in-loop]
style = "context"

[resources]                                 # extra unclosed-resource constructors
"example.com/store.Open" = "Close"
```
Command-line options override the file. Each file gets the config nearest above it
(gofix.project resolves it per file).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gofix.safe_read import ReadError, read_regular

CONFIG_NAMES = (".gofix.toml", "gofix.toml")
MAX_FILE_SIZE_LIMIT = 1 << 30
MAX_CONFIG_SIZE = 1 << 20  # a config file is a few lines
_TOP_KEYS = {"select", "ignore", "exclude", "unsafe-fixes", "max-file-size", "rules", "resources", "go-version",
             "apply-unverified", "time-budget"}


class ConfigError(Exception):
    pass


@dataclass
class Config:
    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    unsafe_fixes: bool | None = None
    apply_unverified: bool | None = None  # `gofix fix` applies fixes verification could not check
    max_file_size: int | None = None
    time_budget: float | None = None  # seconds of analysis per file before it is skipped
    go_version: str | None = None
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)


def find_config(start: Path, stop: Path | None = None,
                memo: dict[tuple[Path, Path | None], Path | None] | None = None) -> Path | None:
    """The nearest config file at or above start; with stop, no higher than that directory.
    memo (directory, stop -> answer), kept by the caller across calls, answers for the
    directories a walk has seen already (the walks of sibling directories meet)."""
    from gofix.safe_read import resolve_or_absolute

    start = resolve_or_absolute(start)
    top = resolve_or_absolute(stop) if stop is not None else None
    d = start if start.is_dir() else start.parent
    seen: list[Path] = []
    found: Path | None = None
    for p in [d, *d.parents]:
        if memo is not None and (p, top) in memo:
            found = memo[(p, top)]
            break
        seen.append(p)
        here = _config_in(p, bounded=top is not None)
        if here is not None:
            found = here
            break
        if p == top:
            break
    if memo is not None:
        for p in seen:  # none of them holds a config but the last, maybe: the answer is theirs too
            memo[(p, top)] = found
    return found


def _config_in(directory: Path, bounded: bool) -> Path | None:
    for name in CONFIG_NAMES:
        # bounded (the bot): any entry of the name counts, so that a link out of the tree is refused
        if (os.path.lexists(directory / name) if bounded else (directory / name).is_file()):
            return directory / name
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(read_regular(path, MAX_CONFIG_SIZE).decode("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    except (ReadError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from e
    from codemods import RULE_IDS

    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    cfg = Config(path=path)

    def str_list(key: str, check_rules: bool) -> list[str] | None:
        if key not in data:
            return None
        v = data[key]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ConfigError(f"{path}: key {key!r} must be a list of strings")
        if check_rules:
            for x in v:
                if x not in RULE_IDS:
                    raise ConfigError(f"{path}: key {key!r}: unknown rule {x!r}")
        return v

    cfg.select = str_list("select", True)
    cfg.ignore = str_list("ignore", True) or []
    cfg.exclude = str_list("exclude", False) or []
    if "unsafe-fixes" in data:
        if not isinstance(data["unsafe-fixes"], bool):
            raise ConfigError(f"{path}: key 'unsafe-fixes' must be true or false")
        cfg.unsafe_fixes = data["unsafe-fixes"]
    if "apply-unverified" in data:
        if not isinstance(data["apply-unverified"], bool):
            raise ConfigError(f"{path}: key 'apply-unverified' must be true or false")
        cfg.apply_unverified = data["apply-unverified"]
    if "max-file-size" in data:
        v = data["max-file-size"]
        if not isinstance(v, int) or isinstance(v, bool) or not 0 < v <= MAX_FILE_SIZE_LIMIT:
            raise ConfigError(f"{path}: key 'max-file-size' must be a positive integer (bytes) of at most {MAX_FILE_SIZE_LIMIT}")
        cfg.max_file_size = v
    if "time-budget" in data:
        v = data["time-budget"]
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v >= 0:
            raise ConfigError(f"{path}: key 'time-budget' must be a non-negative number (CPU seconds per file; 0: no limit)")
        cfg.time_budget = float(v)
    if "go-version" in data:
        if not isinstance(data["go-version"], str):
            raise ConfigError(f"{path}: key 'go-version' must be a string such as \"1.22\"")
        from gofix.gomod import parse_version

        try:
            parse_version(data["go-version"])
        except ValueError as e:
            raise ConfigError(f"{path}: key 'go-version': {e}") from None
        cfg.go_version = data["go-version"]
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: key 'rules' must be a table of rule tables")
    for rid, opts in rules.items():
        if rid not in RULE_IDS:
            raise ConfigError(f"{path}: key 'rules.{rid}': unknown rule")
        if not isinstance(opts, dict):
            raise ConfigError(f"{path}: key 'rules.{rid}' must be a table")
        from codemods import RULES
        from gofix.analysis.options import parse_option

        checked = {}
        for key, raw in opts.items():  # against the options the rule declares
            try:
                checked[key] = parse_option(RULES, rid, key, raw)
            except ValueError as e:
                raise ConfigError(f"{path}: key 'rules.{rid}.{key}': {e}") from None
        cfg.rule_options[rid] = checked
    res = data.get("resources", {})
    if not isinstance(res, dict):
        raise ConfigError(f"{path}: key 'resources' must be a table of \"import/path.Func\" = \"Close\"")
    for k, v in res.items():
        if not isinstance(v, str) or "." not in k or not v.isidentifier():
            raise ConfigError(f"{path}: key 'resources.\"{k}\"' must map \"import/path.Func\" to a method name such as \"Close\"")
        cfg.resources[k] = v
    return cfg
