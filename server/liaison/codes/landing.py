"""What a phone camera outside WeChat opens from a plain-URL code: /s/<token>, /d/<token>.

A simple Chinese page naming the station or deputy, until the H5 pages replace it.
Inside WeChat the same URL opens the mini-program instead (ordinary-link QR rule).
"""
from __future__ import annotations

from datetime import date

from apiflask import APIBlueprint
from flask import render_template_string

from ..core.errors import ApiError
from ..places.schedule import format_day
from .resolve import ROTATED, resolve

bp = APIBlueprint("code_landing", __name__, enable_openapi=False)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
background:#f7f3ee;color:#222;line-height:1.6}
header{background:#c8102e;color:#fff;padding:20px 16px}h1{font-size:20px;margin:0}
main{padding:16px}.card{background:#fff;border-radius:8px;padding:14px 16px;margin-bottom:12px}
.hint{background:#fff4d6;border:1px solid #e8c46a;border-radius:8px;padding:12px 16px;margin-bottom:12px}
.muted{color:#666;font-size:14px}ul{padding-left:20px;margin:6px 0}
</style></head><body>
<header><h1>{{ title }}</h1>{% if subtitle %}<div>{{ subtitle }}</div>{% endif %}</header>
<main>
{% if notice %}<div class="hint">{{ notice }}</div>{% endif %}
{% for block in blocks %}<div class="card"><strong>{{ block[0] }}</strong>
{% if block[1] is string %}<div>{{ block[1] }}</div>{% else %}<ul>{% for item in block[1] %}<li>{{ item }}</li>{% endfor %}</ul>{% endif %}
</div>{% endfor %}
<div class="hint">请用微信扫码打开小程序，即可点将联系代表、反映意见建议并查看办理进度。</div>
<p class="muted">人大代表联络站 · 人民代表为人民</p>
</main></body></html>"""


def _station_blocks(station: dict) -> tuple[str, str, list]:
    blocks = [("地址", station["address"] or "请咨询联络站")]
    if station["reception_plan"]:
        blocks.append(("接待安排", station["reception_plan"]))
    days = [format_day(date.fromisoformat(d["date"])) for d in station["next_reception_days"]]
    if days:
        blocks.append(("近期接待日", days))
    if station["deputies"]:
        blocks.append((f"驻站代表（{len(station['deputies'])}位）",
                       ["、".join(d["name"] for d in station["deputies"])]))
    return station["name"], station["region"]["path"], blocks


def _deputy_blocks(deputy: dict) -> tuple[str, str, list]:
    blocks = []
    if deputy["stations"]:
        blocks.append(("所在联络站", [s["name"] + ("（交叉进站）" if s["membership"] == "cross" else "")
                                  for s in deputy["stations"]]))
    if deputy["work_unit"] or deputy["post"]:
        blocks.append(("工作单位及职务", f"{deputy['work_unit']} {deputy['post']}".strip()))
    return f"{deputy['name']} 代表", "、".join(deputy["level_labels"]) or "人大代表", blocks


def page(token: str):
    notice = ""
    try:
        data = resolve(token)
    except ApiError as exc:
        if exc.code != "code_rotated":
            return render_template_string(PAGE, title="人大代表联络站", subtitle="", notice=exc.message,
                                          blocks=[]), exc.status
        notice = ROTATED
        data = resolve(exc.details["token"], count=False)
    if data["kind"] == "station":
        title, subtitle, blocks = _station_blocks(data["station"])
    else:
        title, subtitle, blocks = _deputy_blocks(data["deputy"])
    return render_template_string(PAGE, title=title, subtitle=subtitle, notice=notice, blocks=blocks)


@bp.get("/s/<token>")
def station_page(token):
    return page(token)


@bp.get("/d/<token>")
def deputy_page(token):
    return page(token)
