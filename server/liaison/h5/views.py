"""Wire the H5 pages into the app (found by ``create_app`` as ``h5.views``)."""
from __future__ import annotations

from flask import current_app, render_template

from ..admin.views import init_pages
from ..core.errors import ApiError
from . import opinion_pages, place_pages  # noqa: F401  (routes)
from .blueprint import bp

# The plain-URL codes' landing routes that this package serves (see ``register``).
LANDING = {"code_landing.station_page": place_pages.station_code,
           "code_landing.deputy_page": place_pages.deputy_code}


def register(app) -> None:
    init_pages(app)
    app.register_blueprint(bp)
    _take_over_landing(app)


def _take_over_landing(app) -> None:
    """Serve /s/<token> and /d/<token> with the H5 pages.

    The codes package had a simple landing page registered for the same URLs before
    these pages existed; when it is still registered its endpoints are pointed at
    the H5 views so that exactly one implementation answers.
    """
    for endpoint, view in LANDING.items():
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = view
            app.logger.debug("H5 pages serve %s", endpoint)


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return render_template("h5/error.html", title="无法完成", message=exc.message,
                           status=exc.status), exc.status


def demo_mode() -> bool:
    return bool(current_app.config.get("DEMO_MODE"))
