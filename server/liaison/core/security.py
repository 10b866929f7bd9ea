"""Security headers for the server-rendered pages (admin, H5, reports).

HTML answers get a strict Content-Security-Policy (scripts and styles only from
our own origin, no inline code), no framing, no sniffing, no referrer leaving the
site and no caching (they show personal data). Uploaded files are additionally
sandboxed, so an upload that is not the image it claims to be can run nothing.
JSON API answers are left as they are.
"""
from __future__ import annotations

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
))


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    """The pages' policy; ``form_targets`` are origins a form may lead to through
    redirects (the invitation form continues to WeChat's authorisation page, and
    Chromium applies form-action to every hop of the redirect chain)."""
    return CSP.replace("form-action 'self'", " ".join(("form-action 'self'",) + form_targets))


UPLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
UPLOAD_PREFIXES = ("/uploads/",)


def _html_headers(response, csp: str) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", csp)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"


def add_security_headers(response):
    """after_request hook."""
    from flask import current_app, request

    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        _html_headers(response, current_app.extensions["liaison_csp"])
    elif request.path.startswith(UPLOAD_PREFIXES):
        response.headers.setdefault("Content-Security-Policy", UPLOAD_CSP)
    return response


def init_security(app) -> None:
    """Register the header hook once."""
    if app.extensions.get("liaison_security_headers"):
        return
    app.extensions["liaison_security_headers"] = True
    app.extensions["liaison_csp"] = content_security_policy(_origins(app.config.get("WECHAT_OAUTH_BASE")))
    app.after_request(add_security_headers)


def _origins(*urls) -> tuple[str, ...]:
    from urllib.parse import urlsplit

    out = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            out.append(f"{parts.scheme}://{parts.netloc}")
    return tuple(out)
