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
