"""Where listsum keeps things, and the user's config file.

One user directory, overridable with LISTSUM_USER_PATH (tests point it at a
temp dir); otherwise XDG: config in XDG_CONFIG_HOME/listsum, caches in
XDG_CACHE_HOME/listsum, fetched mail in XDG_DATA_HOME/listsum. Getters only
compute paths; nothing is created or pruned as a side effect.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any


def _xdg(var: str, default: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / default)


def user_dir() -> Path | None:
    """LISTSUM_USER_PATH when set: everything lives below it."""
    value = os.environ.get("LISTSUM_USER_PATH")
    return Path(value) if value else None


def config_dir() -> Path:
    return (user_dir() or _xdg("XDG_CONFIG_HOME", ".config") / "listsum") / ("config" if user_dir() else "")


def cache_dir() -> Path:
    base = user_dir()
    return base / "cache" if base else _xdg("XDG_CACHE_HOME", ".cache") / "listsum"


def data_dir() -> Path:
    base = user_dir()
    return base / "data" if base else _xdg("XDG_DATA_HOME", ".local/share") / "listsum"


def config_path() -> Path:
    return config_dir() / "config.toml"


def load_config() -> dict[str, Any]:
    """The user's config.toml as a dict ({} when absent). Keys: model, n_ctx,
    n_threads, n_gpu_layers, server, lang, tz, me ("Name <addr>" for report --me),
    stale_days (report --stale-days); for --engine server: endpoint,
    server_model, trusted_hosts, jobs, timeout."""
    path = config_path()
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        return tomllib.load(fh)
