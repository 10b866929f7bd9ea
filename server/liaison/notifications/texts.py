"""The in-app message (title and body) for every audience and event. Pure data.

Bodies name the opinion by its number and may use the context values of
``templates.CONTEXT_KEYS`` (``{number}``, ``{station}``, ``{reason}`` ...); a value
that is missing renders as nothing, and the sentence still reads.
"""
from __future__ import annotations

import string
from datetime import date, datetime
from typing import Any, Mapping

from .fields import fit

# audience -> event -> (title, body)
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "resident": {
        "accepted": ("意见已受理", "您提交的意见（编号{number}）已受理，我们会尽快办理并答复您。"
                                "{public_note}"),
        # {reply} is the whole answer ("您反映的问题经研究不予受理，原因：……"): said once.
        "declined": ("意见不予受理", "意见编号{number}：{reply}"),
        "closed": ("意见已合并办理", "意见编号{number}：{reply}{public_note}"),
        "assigned": ("意见已交办", "您提交的意见（编号{number}）已交承办单位办理，"
                                "办理期限至{deadline}。{public_note}"),
        "replied": ("意见已答复", "您提交的意见（编号{number}）已有答复，请查看答复内容，"
                               "并对办理结果进行评价。"),
        "rate_request": ("请评价办理结果", "您提交的意见（编号{number}）已答复，"
                                      "请对办理结果进行评价，您的评价将用于改进工作。"),
        "deadline_extended": ("办理期限已延长", "您提交的意见（编号{number}）的办理期限已延长至{deadline}，"
                                          "我们会在新的期限内答复您。{public_note}"),
        "reopened": ("意见重新办理", "根据您的评价，您提交的意见（编号{number}）已重新办理。{public_note}"),
        "review_closed": ("复核结果", "您提交的意见（编号{number}）已复核办结。{reason}"),
        "suggestion_filed": ("已转为代表建议", "人大代表已将您提交的意见（编号{number}）"
                                          "转为闭会期间代表建议。"),
        "appointment_reminder": ("预约接待提醒", "{body}"),
        "appointment_cancelled": ("接待日取消通知", "{body}"),
        "consultation_comment_hidden": ("您的意见已被隐藏", "{body}"),
        "consultation_outcome": ("意见采纳情况已公布", "{body}"),
    },
    "deputy": {
        "summoned": ("群众点将", "有群众在{station}点将您，意见编号{number}：{summary}"),
        "state_changed": ("办理进展", "意见（编号{number}）的办理状态已更新为“{state_label}”。"
                                  "{public_note}"),
        "replied": ("意见已答复", "意见（编号{number}）已答复群众。"),
        "unsatisfied": ("群众不满意", "群众对意见（编号{number}）的办理结果不满意，已进入复核。"
                                  "{reason}"),
        "reception_reminder": ("接待日提醒", "{body}"),
        "reception_cancelled": ("接待日取消通知", "{body}"),
        "suggestion_answered": ("代表建议已有答复", "{body}"),
        "consultation_opened": ("立法意见征集", "{body}"),
        "consultation_comment_hidden": ("您的意见已被隐藏", "{body}"),
        "consultation_outcome": ("意见采纳情况已公布", "{body}"),
    },
    "staff": {
        "new_opinion": ("新的群众意见待受理", "{station}收到新的群众意见（编号{number}）：{summary}"),
        "held": ("意见待审核", "意见（编号{number}）需要审核后才能受理。{reason}"),
        "assignment_refused": ("交办被退回", "承办单位退回了意见（编号{number}）。{reason}"),
        "extension_requested": ("延期申请待审批", "承办单位申请延长意见（编号{number}）的办理期限。"
                                              "{reason}"),
        "draft_submitted": ("承办单位已提交答复", "意见（编号{number}）的承办单位已提交答复，"
                                             "请审核后答复群众。"),
        "urged": ("督办提醒", "意见（编号{number}）已被督办，请尽快处理。{reason}"),
        "rated": ("群众已评价", "群众对意见（编号{number}）的评价：{rating}。"),
        "unsatisfied": ("群众不满意", "群众对意见（编号{number}）的办理结果不满意，请组织复核。"
                                  "{reason}"),
        "suggestion_filed": ("已转为代表建议", "人大代表已将意见（编号{number}）转为闭会期间代表建议。"),
        "overdue": ("意见已超期", "意见（编号{number}）已超过办理期限（{deadline}），请督促办理。"),
    },
    "office": {
        "unsatisfied": ("群众不满意", "{station}的意见（编号{number}）群众评价不满意，已进入复核。"
                                  "{reason}"),
        "overdue": ("意见已超期", "{station}的意见（编号{number}）已超过办理期限（{deadline}）。"),
    },
    "units": {
        "assigned": ("新的交办意见", "意见（编号{number}）已交由贵单位办理，办理期限至{deadline}。"),
        "urged": ("督办提醒", "意见（编号{number}）已被督办，请抓紧办理并按期答复。{reason}"),
        "extension_approved": ("延期申请已同意", "意见（编号{number}）的办理期限已延长至{deadline}。"),
        "extension_rejected": ("延期申请未同意", "意见（编号{number}）的延期申请未获同意，"
                                             "请按原期限办理。{reason}"),
        "deadline_changed": ("办理期限已调整", "意见（编号{number}）的办理期限已调整为{deadline}。"
                                           "{reason}"),
        "reply_released": ("答复已发送群众", "意见（编号{number}）的答复已发送给群众，感谢配合。"),
        "near_deadline": ("办理期限将到", "意见（编号{number}）将于{deadline}到期，请抓紧办理。"),
        "overdue": ("意见已超期", "意见（编号{number}）已超过办理期限（{deadline}），请尽快答复。"),
    },
}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render(audience: str, event: str, context: Mapping[str, Any],
           fallback_title: str | None = None) -> tuple[str, str]:
    """(title, body) for the in-app message; unknown pairs get a plain fallback."""
    title, body = (TEXTS.get(audience) or {}).get(event) or (
        fallback_title or "办理进展", "意见（编号{number}）有新的进展，请查看。")
    return title, " ".join(fill(body, context).split())


def fill(pattern: str, context: Mapping[str, Any]) -> str:
    """``pattern`` with ``{name}`` replaced from ``context`` (missing names: empty)."""
    values = _Blank({k: ("" if v is None else _text(v)) for k, v in context.items()})
    return string.Formatter().vformat(pattern, (), values)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return fit("time", value)  # Beijing time, 2026年11月25日 16:00
    if isinstance(value, date):
        return fit("date", value)
    return str(value)
