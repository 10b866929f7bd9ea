"""Every opinions endpoint is described in the OpenAPI document."""


def test_opinion_endpoints_are_documented(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    expected = {
        "/api/v1/opinion-categories": {"get"}, "/api/v1/uploads": {"post"},
        "/api/v1/opinions": {"get", "post"}, "/api/v1/opinions/{opinion_id}": {"get"},
        "/api/v1/opinions/{opinion_id}/transitions": {"post"},
        "/api/v1/handling-units": {"get"}, "/uploads/{upload_id}": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths.get(path, {})), path
    submit = paths["/api/v1/opinions"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in submit["parameters"])
    assert {"201", "200", "403", "422", "429"} <= set(submit["responses"])
    assert "multipart/form-data" in paths["/api/v1/uploads"]["post"]["requestBody"]["content"]
