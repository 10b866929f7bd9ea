"""WeChat content security for what residents write: the one policy, texts and comments.

WeChat's msgSecCheck v2 (and mediaCheckAsync v2, ``photo_checks``) needs the writer's
mini-program openid and accepts it only within two hours of the person's last visit
to the mini-program (errcode 61010 otherwise). Hence:

- a text is checked when it is written (submit, rating comment); the visit that makes
  the check possible is the mini-program login or the request itself when it comes
  with the mini-program's token (``users.mp_active_at``);
- a writer with no mini-program openid (the H5 pages) or not seen in the mini-program
  for two hours cannot be checked (``manual``): the opinion goes to staff review with
  a reason staff see (``hold`` when nobody handled it yet, else a staff-only
  ``content_checked`` event) and is never retried;
- WeChat unreachable (timeouts, 5xx, token or quota trouble) leaves it ``pending``: the
  sweep (``jobs.sweep_content_checks``) checks again while the writer is inside the
  window and sends it to staff review once they are not; each row is its own
  transaction, and a row that fails never stops the others.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import select

from ..core import clock, transaction
from ..core.db import db
from ..wechat.app import get_wechat
from ..users.models import User
from .models import Opinion, OpinionEvent
from .states import SUBMITTED

log = logging.getLogger(__name__)

ACTIVE_WINDOW = timedelta(hours=2)  # msgSecCheck / mediaCheckAsync: "用户需在近两小时访问过小程序"
SCENE_COMMENT = 2  # 1 资料, 2 评论, 3 论坛, 4 社交日志
LABELS = {"100": "正常", "10001": "广告", "20001": "时政", "20002": "色情", "20003": "辱骂",
          "20006": "违法犯罪", "20008": "欺诈", "20012": "低俗", "20013": "版权", "21000": "其他"}
NOTES = {
    "web": "提交人没有小程序身份（网页提交），无法使用微信内容安全检测，请人工审核。",
    "inactive": "提交人近两小时未使用小程序，微信内容安全检测不再受理，请人工审核。",
    "refused": "微信内容安全检测拒绝了这次请求，请人工审核。",
}


@dataclass(frozen=True)
class Verdict:
    """pass | review | risky (WeChat's), pending (retry), manual (staff review), "" (none)."""

    status: str
    trace_id: str = ""
    why: str = ""  # a NOTES key for manual
    label: str = ""

    def note(self, what: str = "内容", hidden: bool = False) -> str:
        """What staff read about this verdict (the event's note)."""
        if self.status == "risky":
            label = LABELS.get(self.label, self.label or "其他")
            then = "已对群众、代表和承办单位隐藏" if hidden else "请人工审核"
            return f"{what}经微信检测疑似违规（{label}），{then}。"
        return NOTES.get(self.why, NOTES["refused"])


NOT_CHECKED = Verdict("")


def from_miniprogram() -> bool:
    """Whether this request came from the mini-program (it carries the API token)."""
    return has_request_context() and request.headers.get("Authorization", "").startswith("Bearer ")


def why_unchecked(user, now: datetime, visiting: bool = False) -> str | None:
    """None when WeChat will accept the writer's openid now, else a ``NOTES`` key.

    :param visiting: the writer is in the mini-program right now (``from_miniprogram``).
    """
    if user is None or not user.mp_openid:
        return "web"
    if visiting:
        return None
    seen = user.mp_active_at
    if seen is None or now - seen > ACTIVE_WINDOW:
        return "inactive"
    return None


def check_text(user, text: str, now: datetime, visiting: bool = False) -> Verdict:
    """msgSecCheck v2 on ``text`` written by ``user``, within the policy above."""
    from ..wechat import errors as wx

    why = why_unchecked(user, now, visiting)
    if why:
        return Verdict("manual", why=why)
    try:
        res = get_wechat().msg_sec_check(user.mp_openid, text, scene=SCENE_COMMENT)
    except wx.UserInactive:
        return Verdict("manual", why="inactive")
    except (wx.Unavailable, wx.TokenError, wx.QuotaLimited) as exc:
        log.warning("msg_sec_check unavailable, kept pending: %s", exc)
        return Verdict("pending")
    except wx.WeChatError as exc:
        log.warning("msg_sec_check refused, sent to staff review: %s", exc)
        return Verdict("manual", why="refused")
    result = res.get("result") or {}
    if result.get("suggest") not in ("pass", "review", "risky"):
        return Verdict("pending")
    return Verdict(result["suggest"], str(res.get("trace_id") or ""), label=str(result.get("label", "")))


def hold_reason(verdict: Verdict, source: str) -> str | None:
    """The submit's hold reason for a verdict (None: no hold)."""
    if verdict.status == "risky":
        return "risky_content"
    if verdict.status == "manual":
        return "unchecked_web" if source == "h5" or verdict.why == "web" else "unchecked_content"
    return None


def add_event(opinion: Opinion, note: str, dedupe_key: str) -> None:
    """A staff-only ``content_checked`` event in the caller's transaction (no commit)."""
    opinion.events.append(OpinionEvent(
        action="content_checked", from_state=opinion.state, to_state=opinion.state, actor_id=None,
        actor_role="system", payload={"note": note}, public=False, at=clock.now(), dedupe_key=dedupe_key))


def route_to_review(opinion_id: int, note: str, dedupe_key: str, reason: str | None) -> None:
    """Put the opinion before staff (with what the caller changed): held with
    ``reason`` when nobody handled it yet, else a staff-only event with the note."""
    from . import operations

    opinion = db.session.get(Opinion, opinion_id)
    if reason and opinion.state == SUBMITTED:
        operations.transition_as_system(opinion_id, "hold", {"hold_reason": reason, "note": note})
        return
    db.session.flush()
    operations.record_system_event(opinion_id, "content_checked", dedupe_key=dedupe_key,
                                   payload={"note": note})


@dataclass(frozen=True)
class RatingCheck:
    """A rating comment's verdict, applied in the rating's own transaction."""

    verdict: Verdict
    user: object
    visit: datetime | None  # the rating came from the mini-program at this time

    def apply(self, opinion: Opinion) -> None:
        if self.visit is not None:
            self.user.mp_active_at = self.visit
        opinion.rating_sec_check = self.verdict.status
        if self.verdict.status in ("risky", "manual"):
            add_event(opinion, self.verdict.note("评价意见", hidden=True),
                      f"sec:rating:{opinion.rounds or 0}:{self.verdict.status}")


def check_rating(user, comment: str) -> RatingCheck:
    now, visiting = clock.now(), from_miniprogram()
    return RatingCheck(check_text(user, comment, now, visiting), user, now if visiting else None)


# -- the sweep: texts and comments WeChat could not judge yet ---------------------

def _pending(column) -> list[int]:
    ids = list(db.session.scalars(select(Opinion.id).where(column == "pending").order_by(Opinion.id)))
    db.session.rollback()  # end the read: each row below is its own transaction
    return ids


def _recheck(opinion_id: int, now: datetime, rating: bool) -> str:
    opinion = db.session.get(Opinion, opinion_id)
    field = "rating_sec_check" if rating else "sec_check"
    if opinion is None or getattr(opinion, field) != "pending":
        return "gone"
    user = db.session.get(User, opinion.submitter_id) if opinion.submitter_id else None
    verdict = check_text(user, opinion.rating_comment if rating else opinion.original_text, now)
    if verdict.status == "pending":
        db.session.rollback()
        return "pending"
    setattr(opinion, field, verdict.status)
    if not rating:
        opinion.sec_trace_id = verdict.trace_id
    if verdict.status in ("risky", "manual"):
        if rating:  # a rated opinion is past holding: staff get the note
            route_to_review(opinion_id, verdict.note("评价意见", hidden=True),
                            f"sec:rating:{opinion.rounds or 0}:{verdict.status}", None)
        else:
            reason = "risky_content" if verdict.status == "risky" else "unchecked_content"
            route_to_review(opinion_id, verdict.note(), f"sec:text:{verdict.status}", reason)
    return verdict.status


def each_row(ids, fn, what: str, counts: dict[str, int] | None = None) -> dict[str, int]:
    """``fn(id)`` for every id, each on its own: a row that raises is rolled back and
    counted ``failed``, and the next one still gets its turn; {outcome: count}."""
    counts = {} if counts is None else counts
    for row_id in ids:
        try:
            with transaction.unit_of_work():
                outcome = fn(row_id)
        except Exception:
            log.exception("%s failed for %s", what, row_id)
            outcome = "failed"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def recheck(now: datetime | None = None) -> dict[str, int]:
    """Check again every pending text and rating comment; {outcome: count}."""
    now = now or clock.now()
    counts: dict[str, int] = {}
    for rating, column in ((False, Opinion.sec_check), (True, Opinion.rating_sec_check)):
        each_row(_pending(column), lambda opinion_id: _recheck(opinion_id, now, rating),
                 "content recheck of opinion", counts)
    return counts
