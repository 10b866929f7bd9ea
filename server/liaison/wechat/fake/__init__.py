"""A fake WeChat API server: real HTTP, real paths, real errcodes, all state in memory.

``create_fake_app()`` builds the Flask app; ``start_fake_server()`` runs it on
127.0.0.1 in a background thread (tests, the demo); ``python -m liaison.wechat.fake
--port 5001`` runs it standalone. Control endpoints live under ``/_fake/``.

Both serve it with waitress, which keeps connections open as HTTP/1.1 has them by
default (RFC 9112 §9.3: a connection persists unless a side sends ``Connection:
close``). WeChat's API documentation says nothing of connections; werkzeug's
development server closed every one, so each call paid for a new connection, which
a client of the real API, reusing the connections in its pool, does not. Waitress reads a whole request
before the app sees it, so a fault answered before the body is read leaves nothing
behind on a kept-alive connection.
"""
from __future__ import annotations

import threading
import time

from flask import Flask, Response, g, jsonify, request
from waitress.server import create_server

from liaison.wechat.fake import (api_routes, control_routes, media_routes, oauth_domain, oauth_routes,
                                 qrcode_routes)
from liaison.wechat.fake.state import FakeState


def create_fake_app(apps: dict | None = None, oauth_accounts: list | None = None, *,
                    official_accounts=None, templates=None, pages=None, risky_words=None,
                    token_grace: float = 20.0, verify_base: str | None = None, app_json=None,
                    template_kinds=None, open_platform=None, oauth_domains=None) -> Flask:
    """The fake WeChat as a Flask app.

    :param apps: appid -> secret (default: the demo mini-program and official account).
    :param oauth_accounts: people on the OAuth page, [{"openid", "nickname", "label"}].
    :param official_accounts: which appids are official accounts (template messages,
        OAuth); the others are mini-programs. Default: {"wxdemoofficial0001"}.
    :param templates: accepted template ids (list, [{"id", "keys", "kind"?}] or {id: keys});
        default: any id starting with "tmpl-".
    :param template_kinds: {template id: "one_time" | "long_term"}, as the console says
        (a tap mixing kinds is refused with 20002); restricts no id.
    :param pages: the released mini-program's pages; default: those of ``app_json``.
    :param app_json: path of the mini-program's app.json; default the repository's
        miniprogram/app.json (the standalone launcher also reads $FAKE_WECHAT_APP_JSON).
    :param open_platform: appids bound to the open-platform account, the only ones given
        unionids; default both demo apps (state.DEFAULT_OPEN_PLATFORM).
    :param risky_words: msg_sec_check words, list or {word: label}.
    :param token_grace: seconds a /cgi-bin/token token lives on after a newer one.
    :param verify_base: base URL the fake fetches domain verification files from instead
        of the rule's own host (``http://127.0.0.1:5000`` for scripts/run); see qrcode_routes.
    :param oauth_domains: the official account's 网页授权域名 (one, or a list of at most 2;
        a loopback ``host:port`` is allowed), taken as already verified. Web OAuth redirects
        only to these hosts, else WeChat's 10003 page; none: every redirect is refused.
        See oauth_domain.py; ``POST /_fake/oauth-domain`` sets them as the console does.
    """
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.extensions["fake_wechat"] = FakeState(
        apps=apps, oauth_accounts=oauth_accounts, official_accounts=official_accounts,
        templates=templates, pages=pages, risky_words=risky_words, token_grace=token_grace,
        verify_base=verify_base, app_json=app_json, template_kinds=template_kinds,
        open_platform=open_platform, oauth_domains=oauth_domain.initial_domains(oauth_domains))
    app.register_blueprint(api_routes.bp)
    app.register_blueprint(qrcode_routes.bp)
    app.register_blueprint(qrcode_routes.control)
    app.register_blueprint(oauth_routes.bp)
    app.register_blueprint(oauth_domain.control)
    app.register_blueprint(control_routes.bp)
    app.register_blueprint(media_routes.bp)
    app.register_blueprint(media_routes.control)

    @app.before_request
    def inject_fault():
        if request.path.startswith("/_fake/"):
            return None
        st = app.extensions["fake_wechat"]
        with st.lock:  # how many calls of this path were already being answered
            g.alongside = st.in_flight.get(request.path, 0)
            st.in_flight[request.path] = g.alongside + 1
        spec = st.take_fault(request.path)
        if not spec:
            return None
        g.fault = spec
        if "status" in spec:
            return Response(f"<html><body>{spec['status']} fake fault</body></html>",
                            status=int(spec["status"]), mimetype="text/html")
        if "errcode" in spec:
            return jsonify({"errcode": int(spec["errcode"]), "errmsg": spec["errmsg"]})
        time.sleep(float(spec["delay"]))
        return None

    @app.after_request
    def record_call(response):
        if request.path.startswith("/_fake/"):
            return response
        errcode = None
        if response.mimetype == "application/json":
            errcode = int((response.get_json(silent=True) or {}).get("errcode") or 0)
        elif response.status_code == 200:
            errcode = 0
        data = request.get_json(force=True, silent=True)
        appid = request.args.get("appid") or (data.get("appid") if isinstance(data, dict) else None)
        st = app.extensions["fake_wechat"]
        with st.lock:
            st.calls.append({"path": request.path, "method": request.method, "appid": appid,
                             "status": response.status_code, "errcode": errcode, "at": st.now(),
                             "fault": bool(g.get("fault")), "alongside": g.get("alongside", 0),
                             "access_token": "access_token" in request.args})
        return response

    @app.teardown_request
    def leave_flight(_exc):
        if "alongside" in g:
            st = app.extensions["fake_wechat"]
            with st.lock:
                st.in_flight[request.path] = max(0, st.in_flight.get(request.path, 1) - 1)

    return app


SERVER_THREADS = 32  # calls answered at once: delay faults hold one each, workers send 8 side by side


def make_server(app, host: str = "127.0.0.1", port: int = 0):
    """A waitress server for ``app`` on host:port; ``server.run()`` serves."""
    return create_server(app, host=host, port=port, threads=SERVER_THREADS, ident=None,
                         connection_limit=1000, channel_timeout=60)


def start_fake_server(port: int = 0, **kw):
    """Run the fake on 127.0.0.1:port (0: any free port) in a daemon thread.

    Waitress logs no line per request; ``/_fake/calls`` records every call.

    :param kw: passed to ``create_fake_app``.
    :return: (base_url, stop, app); ``stop()`` shuts the server down.
    """
    app = create_fake_app(**kw)
    server = make_server(app, port=port)
    thread = threading.Thread(target=server.run, name="fake-wechat", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.effective_port}"
    app.config["FAKE_BASE_URL"] = base_url

    def stop():  # close the listening socket and every connection in the loop's own thread
        def close_all():
            for dispatcher in list(server._map.values()):
                dispatcher.close()
        server.trigger.pull_trigger(close_all)  # the loop ends once its map is empty
        thread.join(timeout=5)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)

    return base_url, stop, app
