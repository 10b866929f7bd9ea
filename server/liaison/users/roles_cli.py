"""``flask roles``: invitations for the first accounts, the list of roles, revocation.

    flask roles invite office --region 长沙市          (or 长沙市/岳麓区)
    flask roles invite liaison|station_master --station NAME
    flask roles invite unit --unit NAME
    flask roles invite deputy --deputy EXTERNAL_ID_OR_ID
    flask roles list [--region NAME]
    flask roles revoke ROLE_ID | --user ID --role ROLE (--station|--region|--unit NAME)
    flask roles revoke --deputy EXTERNAL_ID_OR_ID      (release a deputy's WeChat binding)

Everything goes through ``users.roles`` like the pages and the API; the audit log
names the command line (命令行) as the one who acted.
"""
from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.clock import iso
from ..core.db import db
from ..places.models import Deputy, Region
from . import roles
from .errors import RoleError
from .lookup import LookupProblem, find_deputy, find_region, find_station, find_unit
from .models import ROLES, StaffRole
from .targets import INVITABLE_ROLES, ROLE_LABELS, audit_place, describe


def _fail(message: str):
    click.echo(message, err=True)
    sys.exit(1)


def _targets(role, region, station, unit, deputy) -> dict:
    """The target ids named on the command line for ``role``."""
    needed = {"office": ("--region", region), "unit": ("--unit", unit), "deputy": ("--deputy", deputy)}
    option, value = needed.get(role, ("--station", station))
    if not value:
        raise LookupProblem(f"邀请{ROLE_LABELS.get(role, role)}需要 {option}")
    if role == "office":
        return {"region_id": find_region(value).id}
    if role == "unit":
        return {"unit_id": find_unit(value).id}
    if role == "deputy":
        return {"deputy_id": find_deputy(value).id,
                "station_id": find_station(station).id if station else None}
    return {"station_id": find_station(value).id}


def _invitation_link(code: str) -> str:
    with current_app.test_request_context():
        path = url_for("admin.invite", code=code)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _in_region(root: Region | None, region_id: int | None) -> bool:
    if root is None:
        return True
    region = db.session.get(Region, region_id) if region_id else None
    return region is not None and region.path.startswith(root.path)


def register(app) -> None:
    group = AppGroup("roles", help="身份与邀请：生成邀请、查看和撤销身份")

    @group.command("invite")
    @click.argument("role", type=click.Choice(INVITABLE_ROLES))
    @click.option("--region", help="区域名称或完整路径，如 长沙市/岳麓区（人大工委）")
    @click.option("--station", help="联络站名称（联络员、站长）")
    @click.option("--unit", help="承办单位名称")
    @click.option("--deputy", help="代表编号或系统编号")
    @click.option("--hours", type=click.IntRange(1, 24 * 30), default=72, show_default=True,
                  help="有效小时数")
    def invite(role, region, station, unit, deputy, hours):
        """Print a single-use, expiring invitation (code and link) for ROLE."""
        try:
            invitation = roles.create_invitation(None, None, role, ttl=timedelta(hours=hours),
                                                 **_targets(role, region, station, unit, deputy))
        except (LookupProblem, RoleError) as exc:
            _fail(exc.message)
        click.echo(f"邀请已生成：{describe(invitation)}")
        click.echo(f"邀请码：{invitation.code}")
        click.echo(f"链接：{_invitation_link(invitation.code)}")
        click.echo(f"有效期至 {iso(invitation.expires_at)}，只能使用一次。在微信中打开链接，"
                   f"或在小程序中输入邀请码接受。")

    @group.command("list")
    @click.option("--region", help="只列出这个区域（含下级）的身份")
    def list_roles(region):
        """Staff roles (with their ids, for revoke) and deputies bound to WeChat."""
        try:
            root = find_region(region) if region else None
        except LookupProblem as exc:
            _fail(exc.message)
        shown = 0
        for r in db.session.execute(select(StaffRole).order_by(StaffRole.id)).scalars():
            if _in_region(root, audit_place(r.station_id, r.region_id, r.unit_id)["region_id"]):
                click.echo(f"{r.id}\t用户{r.user_id}（{r.user.nickname}）\t{describe(r)}")
                shown += 1
        for d in db.session.execute(select(Deputy).where(Deputy.user_id.is_not(None)).order_by(Deputy.id)).scalars():
            if _in_region(root, audit_place(deputy_id=d.id)["region_id"]):
                click.echo(f"-\t用户{d.user_id}\t代表 {d.name}（{d.external_id or d.id}）已绑定微信")
                shown += 1
        if not shown:
            click.echo("没有身份记录")

    @group.command("revoke")
    @click.argument("role_id", type=int, required=False)
    @click.option("--user", "user_id", type=int, help="用户编号（与 --role 和范围一起使用）")
    @click.option("--role", type=click.Choice(ROLES))
    @click.option("--region")
    @click.option("--station")
    @click.option("--unit")
    @click.option("--deputy", help="解除这位代表的微信绑定（代表编号或系统编号）")
    def revoke(role_id, user_id, role, region, station, unit, deputy):
        """Take away a staff role (by id, or by user + role + scope) or a deputy's binding."""
        try:
            if deputy:
                found = find_deputy(deputy)
                roles.unbind_deputy(found.id, actor=None)
                click.echo(f"已解除代表 {found.name} 的微信绑定")
                return
            if role_id is None:
                role_id = _role_id(user_id, role, region, station, unit)
            before = roles.revoke_role(role_id, actor=None)
        except (LookupProblem, RoleError) as exc:
            _fail(exc.message)
        click.echo(f"已撤销身份 {role_id}：用户{before['user']} {ROLE_LABELS.get(before['role'])}")

    app.cli.add_command(group)


def _role_id(user_id, role, region, station, unit) -> int:
    if user_id is None or role is None:
        raise LookupProblem("请给出身份编号（见 flask roles list），或 --user 和 --role 以及范围")
    where = {"station_id": find_station(station).id if station else None,
             "region_id": find_region(region).id if region else None,
             "unit_id": find_unit(unit).id if unit else None}
    found = db.session.execute(select(StaffRole.id).filter_by(user_id=user_id, role=role, **where)).scalar()
    if found is None:
        raise LookupProblem("没有找到这个身份，请用 flask roles list 查看")
    return found
