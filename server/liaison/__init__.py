"""联络站 (deputy liaison station) backend.

``create_app(config)`` is the only way to get an app; nothing happens at import.
"""
from __future__ import annotations


from apiflask import APIFlask

from .core.app_class import LiaisonApp

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> APIFlask:
    """Build the Flask app.

    :param config: overrides for the settings read from the environment.
    """
    from .config import check_production, load_config
    from .core import auth, errors, extensions, logredact
    from .users.models import User

    cfg = load_config(config)
    check_production(cfg)
    if cfg["TESTING"] and cfg.get("CLOCK"):
        from .core import clock

        clock.anchor(cfg["CLOCK"])  # a process the test suite started: share its clock
    logredact.install()
    app = LiaisonApp(
        __name__,
        title="联络站 API",
        version=__version__,
        spec_path="/api/openapi.json",
        docs_path=None,  # core/docs.py serves Swagger UI from local files
        instance_path=cfg["INSTANCE_PATH"],
    )
    app.config.update(cfg)
    app.config["SPEC_FORMAT"] = "json"
    app.config["AUTO_404_RESPONSE"] = True
    app.config["VALIDATION_ERROR_STATUS_CODE"] = 422
    from .core.schemas import ErrorOut

    # Every refusal is documented with the one shape core/errors.py answers.
    app.config["HTTP_ERROR_SCHEMA"] = app.config["VALIDATION_ERROR_SCHEMA"] = ErrorOut
    app.json.ensure_ascii = False

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    from . import models  # noqa: F401  (register every table)
    from .core import metrics, observability

    observability.init_app(app)  # first: every later hook and log line has the request id
    metrics.init_app(app)
    extensions.init_app(app)
    auth.init_app(app, User)
    errors.register_error_handlers(app)
    _register_blueprints(app)
    from .places import public_cache

    public_cache.install()  # the public answers' cache follows every commit

    from .wiring import connect_events

    connect_events()

    from .cli import register_cli

    register_cli(app)
    from .core import transaction

    transaction.install(app)  # last: its after_request commits before the others run
    return app


def _register_blueprints(app) -> None:
    """Every capability's routes, in one list (each exposes ``bp`` or ``register(app)``)."""
    from .admin import views as admin_pages
    from .codes import api as codes_api
    from .consultations import api as consultations_api
    from .core import docs, health, pages
    from .core.errors import page_layout
    from .h5 import views as h5_pages
    from .insight import api as insight_api, routing_api
    from .notifications import api as notifications_api
    from .opinions import api as opinions_api
    from .places import api as places_api
    from .reception import api as reception_api
    from .stats import api as stats_api
    from .users import api as users_api, web, web_login
    from .wechat import push, verification
    from .wechat.app import wechat_check

    health.add_check(app, "wechat", wechat_check)
    pages.init_pages(app)  # CSRF, security headers, template filters, the preference route
    for blueprint in (health.bp, docs.bp, users_api.bp, web.bp, web_login.bp, places_api.bp):
        app.register_blueprint(blueprint)
    for capability in (codes_api, opinions_api, notifications_api, reception_api, stats_api, insight_api,
                       consultations_api,
                       routing_api,
                       admin_pages, h5_pages, verification):
        capability.register(app)
    app.register_blueprint(push.bp)
    # The login and preference routes answer refusals in the admin layout (core.errors).
    for name in ("ui", "web_auth"):
        page_layout(app, name, "admin/error.html")
