"""联络站 (deputy liaison station) backend.

``create_app(config)`` is the only way to get an app; nothing happens at import.
"""
from __future__ import annotations


from apiflask import APIFlask

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> APIFlask:
    """Build the Flask app.

    :param config: overrides for the settings read from the environment.
    """
    from .config import check_production, load_config
    from .core import errors, extensions, logredact

    cfg = load_config(config)
    check_production(cfg)
    if cfg["TESTING"] and cfg.get("CLOCK"):
        from .core import clock

        clock.anchor(cfg["CLOCK"])  # a process the test suite started: share its clock
    logredact.install()
    app = APIFlask(
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
    extensions.init_app(app)
    errors.register_error_handlers(app)
    _register_blueprints(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _register_blueprints(app) -> None:
    import importlib

    from .core.docs import bp as docs_bp
    from .core.health import bp as health_bp
    from .users.api import bp as users_bp
    from .users.web import bp as web_auth_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(docs_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(web_auth_bp)
    # Capabilities register themselves when present: each exposes ``bp`` (and
    # optionally ``register(app)``) in its api module.
    for module_name in ("places.api", "codes.api", "opinions.api", "notifications.api",
                        "reception.api", "stats.api", "admin.views", "h5.views",
                        "wechat.verification", "wechat.push"):
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            # Skip only a capability that does not exist yet, never a broken import inside one.
            if exc.name and f"{__name__}.{module_name}".startswith(exc.name):
                continue
            raise
        if hasattr(module, "register"):
            module.register(app)
        else:
            app.register_blueprint(module.bp)
