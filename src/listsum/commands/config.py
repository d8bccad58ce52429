"""`listsum config path|show`: where the config file lives and what it says."""

from __future__ import annotations

import typer

from listsum.cli import app, user_errors

config_app = typer.Typer(help="The config file (TOML): model, n_ctx, n_threads, n_gpu_layers, server, lang, tz, "
                         "me, stale_days, endpoint, server_model, trusted_hosts, jobs, timeout.",
                         no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("path")
def config_path_cmd() -> None:
    """Print the config file's path (it need not exist yet)."""
    from listsum.settings import config_path

    typer.echo(str(config_path()))


@config_app.command("show")
def config_show_cmd() -> None:
    """Print the settings the config file holds, one per line."""
    import tomllib

    from listsum.errors import UsageError
    from listsum.settings import config_path, load_config

    with user_errors():
        try:
            cfg = load_config()
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{config_path()}: not valid TOML ({exc})") from None
    for key, value in sorted(cfg.items()):
        typer.echo(f"{key} = {value!r}")
