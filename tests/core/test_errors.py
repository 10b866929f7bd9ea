"""One JSON error shape, size limits, no stack traces."""


def test_unknown_route_is_json_404(client):
    r = client.get("/api/v1/nope")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_json_405(client):
    r = client.get("/api/v1/auth/wechat")
    assert r.status_code == 405
    assert set(r.get_json()["error"]) >= {"code", "message"}


def test_malformed_json_is_a_4xx_in_our_shape(client):
    r = client.post("/api/v1/auth/wechat", data=b"{not json", content_type="application/json")
    assert 400 <= r.status_code < 500
    assert r.get_json()["error"]["code"] in ("bad_request", "validation_error")


def test_oversized_json_body_is_413(client):
    r = client.post("/api/v1/auth/wechat", json={"code": "x" * 100_000})
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "payload_too_large"


def test_unexpected_error_is_500_without_stack_trace(app, client):
    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals")

    r = client.get("/api/v1/_boom")
    assert r.status_code == 500
    text = r.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert r.get_json()["error"]["code"] == "internal_error"
