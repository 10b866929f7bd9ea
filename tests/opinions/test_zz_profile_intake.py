import cProfile, pstats, time, uuid
from sqlalchemy import event

def test_profile(app, client, who, world):
    app.config["OPINION_INLINE_PER_SECOND"] = 0
    app.config["RATE_LIMIT_IP_PER_MINUTE"] = 100000
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 100000
    me = who("demo-resident")
    body = {"station_id": world["station_id"], "category": "traffic", "contact_phone": "13800001111",
            "text": "小区门口的路灯坏了，晚上出行不便，请尽快修理（编号 X）"}
    from liaison.core.db import db
    stmts = []
    with app.app_context():
        eng = db.engine
    def before(conn, cursor, statement, *a):
        stmts.append(statement[:90])
    event.listen(eng, "before_cursor_execute", before)
    r = client.post("/api/v1/opinions", json=body, headers={**me, "Idempotency-Key": "warm"})
    assert r.status_code == 202
    stmts.clear()
    client.post("/api/v1/opinions", json=body, headers={**me, "Idempotency-Key": "one"})
    print("STATEMENTS", stmts)
    event.remove(eng, "before_cursor_execute", before)
    n = 300
    t = time.perf_counter()
    for i in range(n):
        client.post("/api/v1/opinions", json=body, headers={**me, "Idempotency-Key": str(uuid.uuid4())})
    print("MS PER INTAKE NO PROFILER", (time.perf_counter() - t) / n * 1000)
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    for i in range(n):
        client.post("/api/v1/opinions", json=body, headers={**me, "Idempotency-Key": str(uuid.uuid4())})
    pr.disable()
    print("MS PER INTAKE", (time.perf_counter() - t) / n * 1000)
    pstats.Stats(pr).sort_stats("tottime").print_stats(45)
