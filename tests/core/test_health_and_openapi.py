"""Health check and the OpenAPI document."""


def test_healthz_reports_database_redis_and_wechat(client):
    r = client.get("/healthz")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "redis", "wechat"}


def test_openapi_covers_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        path = __import__("re").sub(r"\{[^}:]+:", "{", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} missing from OpenAPI"
    assert "/api/v1/auth/wechat" in spec["paths"]


def test_api_docs_page_uses_only_local_files(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "http" not in page  # no CDN
    assert "<script>" not in page  # no inline script (CSP)
    assert client.get("/static/vendor/swagger-ui/init.js").status_code == 200


def test_bare_address_leads_to_the_station_directory(client):
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/h5/")
    assert client.get("/h5/").status_code == 200
