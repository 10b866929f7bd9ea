"""Login, invitations (accept and create), logout, the large-text preference."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, session, url_for

from ..core import clock
from ..core.auth import current_user
from ..core.errors import ApiError
from ..places.scopes import covers_whole_tree
from ..places import operations as place_ops
from ..users import invitations, linking, roles
from ..users.errors import RoleError
from ..users.targets import ROLE_LABELS, describe, invite_scope
from ..core.pages import safe_next
from ..users.web import logout_session
from ..users.web_login import start_url
from .blueprint import bp
from .common import done, failed, form_int, form_text, staff_required

DEMO_STAFF = (("demo-liaison", "联络员小陈（联络员）"), ("demo-master", "站长刘姐（站长）"),
              ("demo-office", "区人大工委老周（人大工委）"), ("demo-unit", "住建局办理员（承办单位）"))


@bp.get("/login")
def login():
    """Inside WeChat go straight to the authorisation; elsewhere explain and offer it."""
    target = safe_next(request.args.get("next"), "/admin/")
    if "micromessenger" in (request.headers.get("User-Agent") or "").lower():
        return redirect(start_url(target))
    demo = DEMO_STAFF if current_app.config.get("DEMO_MODE") else ()
    return render_template("admin/login.html", oauth_url=start_url(target), target=target, demo=demo)


@bp.post("/invite")
def invite_lookup():
    """The login page's 'I have an invitation code' form."""
    code = form_text("code", 64)
    if not code:
        return failed("请输入邀请码", url_for("admin.login"))
    return redirect(url_for("admin.invite", code=code))


@bp.get("/invite/<code>")
def invite(code):
    invitation = roles.find(code)
    refused = roles.problem(invitation)
    elsewhere = invitation is not None and not refused and invitations.needs_miniprogram(invitation)
    return render_template("admin/invite.html", code=code, problem=refused.message if refused else None,
                           what=describe(invitation) if invitation and not refused else "",
                           miniprogram=roles.OPEN_IN_MINIPROGRAM if elsewhere else None,
                           invitation=invitation), (refused.status if refused else 200)


@bp.post("/invite/<code>/accept")
def invite_accept(code):
    """Remember the invitation, then authorise with WeChat; the callback binds the role.

    A deputy invitation that needs the phone proof goes back to its page, which says
    to open it in the mini-program.
    """
    invitation = roles.find(code)
    if roles.problem(invitation) or invitations.needs_miniprogram(invitation):
        return redirect(url_for("admin.invite", code=code))
    session["invite"] = code
    return redirect(start_url("/admin/", scope="userinfo"))


@bp.get("/invites")
@staff_required
def invites():
    return render_template("admin/invites.html", allowed=invite_scope(g.scope), labels=ROLE_LABELS,
                           items=invitations.recent_for(g.scope), describe=describe,
                           now=clock.now(), new_code=request.args.get("new"),
                           base=current_app.config["PUBLIC_BASE_URL"])


@bp.post("/invites")
@staff_required
def invite_create():
    role = form_text("role", 20)
    try:
        invitation = roles.create_invitation(
            current_user(), g.scope, role, station_id=form_int("station_id"),
            region_id=form_int("region_id"), unit_id=form_int("unit_id"),
            deputy_id=form_int("deputy_id"))
    except RoleError as exc:
        return failed(exc.message, url_for("admin.invites"))
    note = "；对方需在小程序中用代表本人的手机号验证后接受" if invitation.needs_phone else ""
    return done(f"邀请已生成，72小时内有效，只能使用一次{note}。", url_for("admin.invites", new=invitation.code))


@bp.post("/invites/<int:invitation_id>/revoke")
@staff_required
def invite_revoke(invitation_id):
    try:
        roles.revoke_invitation(invitation_id, current_user(), g.scope)
    except RoleError as exc:
        return failed(exc.message, url_for("admin.invites"))
    return done("邀请已作废", url_for("admin.invites"))


@bp.get("/me")
@staff_required
def me():
    from ..places.models import HandlingUnit, Region, Station
    from ..core.db import db

    user = current_user()
    held = []
    for r in user.roles:
        place = (db.session.get(Station, r.station_id).name if r.station_id else
                 db.session.get(Region, r.region_id).full_name() if r.region_id else
                 db.session.get(HandlingUnit, r.unit_id).name if r.unit_id else "")
        held.append((ROLE_LABELS.get(r.role, r.role), place))
    deputy, deputy_levels, deputy_stations = None, [], []
    if g.scope.deputy_id:
        from ..places.models import DEPUTY_LEVEL_LABELS, Deputy

        deputy = db.session.get(Deputy, g.scope.deputy_id)
        deputy_levels = [DEPUTY_LEVEL_LABELS.get(lv, lv) for lv in deputy.levels or []]
        deputy_stations = [(db.session.get(Station, m.station_id), place_ops.MEMBERSHIP_KINDS.get(m.kind, m.kind))
                           for m in place_ops.current_memberships(deputy.id)]
    return render_template("admin/me.html", user=user, roles=held, deputy=deputy, deputy_levels=deputy_levels,
                           deputy_stations=deputy_stations, link=linking.live_code(user),
                           audit=bool(g.scope.region_ids or g.scope.station_ids),
                           city_office=covers_whole_tree(g.scope))


@bp.post("/me/link-code")
@staff_required
def me_link_code():
    """「关联小程序账号」: a fresh link code, shown on 我的 (users/linking.py)."""
    try:
        linking.issue_code(current_user())
    except ApiError as exc:
        return failed(exc.message, url_for("admin.me"))
    return redirect(url_for("admin.me", _anchor="link"))


@bp.post("/logout")
def logout():
    logout_session()
    return redirect(url_for("admin.login"))
