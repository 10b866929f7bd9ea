"""``flask users ...``: block or unblock an account, remove a staff role, sign a
person out everywhere. Each goes through users/operations.py, so the person's
mini-program tokens and browser sessions end on the server."""
from __future__ import annotations

import click
from flask.cli import AppGroup


def register(app) -> None:
    group = AppGroup("users", help="用户：限制使用、解除限制、撤销角色、强制下线")

    def run(operation, *args):
        from ..core.errors import ApiError

        try:
            return operation(*args)
        except ApiError as exc:
            raise click.ClickException(exc.message) from exc

    @group.command("block")
    @click.argument("user_id", type=int)
    @click.argument("reason")
    def block_cmd(user_id, reason):
        """Restrict an account everywhere (pages, mini-program, API), with a reason."""
        from .operations import block_user

        user = run(block_user, user_id, reason)
        click.echo(f"已限制用户 {user.id}（{user.nickname}）：{user.blocked_reason}；其所有登录已失效")

    @group.command("unblock")
    @click.argument("user_id", type=int)
    def unblock_cmd(user_id):
        """Lift the restriction; the person logs in again."""
        from .operations import unblock_user

        user = run(unblock_user, user_id)
        click.echo(f"已解除对用户 {user.id}（{user.nickname}）的限制")

    @group.command("roles")
    @click.argument("user_id", type=int)
    def roles_cmd(user_id):
        """List a user's staff roles with their ids (for remove-role)."""
        from ..core.db import db
        from .models import ROLE_LABELS, User

        user = db.session.get(User, user_id)
        if user is None:
            raise click.ClickException("没有这个用户")
        for r in user.roles:
            place = (f"联络站 {r.station_id}" if r.station_id else f"区域 {r.region_id}" if r.region_id
                     else f"承办单位 {r.unit_id}" if r.unit_id else "")
            click.echo(f"{r.id}\t{ROLE_LABELS.get(r.role, r.role)}\t{place}")

    @group.command("remove-role")
    @click.argument("role_id", type=int)
    def remove_role_cmd(role_id):
        """Take a staff role away; the holder's logins end."""
        from ..core.db import db
        from .models import StaffRole
        from .roles import revoke_role

        role = db.session.get(StaffRole, role_id)
        if role is None:
            raise click.ClickException("没有这个角色")
        user = role.user
        run(lambda: revoke_role(role_id, actor=None))
        click.echo(f"已撤销角色 {role_id}（用户 {user.id}）；其所有登录已失效")

    @group.command("sign-out")
    @click.argument("user_id", type=int)
    def sign_out_cmd(user_id):
        """End every login of a user (a lost phone): browser sessions and mini-program."""
        from .operations import sign_out_everywhere

        user = run(sign_out_everywhere, user_id)
        click.echo(f"用户 {user.id} 的所有登录已失效")

    app.cli.add_command(group)
