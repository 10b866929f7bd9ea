"""``flask settings``: every setting, as the README's configuration table or as in force."""
from __future__ import annotations

import re

import click
from flask import current_app

from .config import SETTINGS, settings_table

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def current_values(config) -> list[str]:
    """``KEY = value`` per declared setting; secrets and passwords in URLs hidden."""
    lines = []
    for setting in SETTINGS:
        value = config.get(setting.key)
        if setting.secret and value:
            shown = "（已设置，不显示）"
        else:
            shown = _PASSWORD.sub(r"\1***@", repr(value))
        source = f"  ← {setting.variable}" if setting.variable else ""
        lines.append(f"{setting.key} = {shown}{source}")
    return lines


def register(app) -> None:
    @app.cli.command("settings")
    @click.option("--current", is_flag=True, help="Show the values in force instead (secrets hidden).")
    def settings_cmd(current):
        """Print the settings read from the environment (the README's table, Markdown)."""
        if current:
            click.echo("\n".join(current_values(current_app.config)))
        else:
            click.echo(settings_table(), nl=False)
