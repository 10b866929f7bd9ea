"""GET /api/docs: Swagger UI served from local files (no CDN, no inline script);
GET /: the resident pages' station directory (a person who types the bare address);
GET /favicon.ico: the site's icon (the pages link it from /static/ too)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect

bp = Blueprint("api_docs", __name__)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>联络站 API 文档</title>
<link rel="icon" href="/static/favicon.ico" sizes="any">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/vendor/swagger-ui/init.js"></script>
</body></html>"""


@bp.get("/api/docs")
def docs():
    return Response(PAGE, mimetype="text/html")


@bp.get("/")
def root():
    return redirect("/h5/")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it on every page that names none (JSON answers, the API docs)."""
    response = current_app.send_static_file("favicon.ico")
    response.cache_control.max_age = 7 * 24 * 3600
    return response
