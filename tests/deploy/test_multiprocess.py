"""Several processes, one system (issue 18): two web processes, two workers and two
schedulers behind nginx share PostgreSQL, Redis and an S3 bucket, and nothing lives in one
process or on one disk. The stack is conftest.py's; the tests share it in this order, the kill last
but one (the periodic-job count then covers the whole run)."""
from __future__ import annotations

import io
import re
import threading
import time
import uuid
import zipfile
from collections import Counter
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from multiproc_stack import kill, wait_for

pytestmark = [pytest.mark.multiproc,
              pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

TEMPLATE_SEND = "/cgi-bin/message/template/send"
LATE = 6  # seconds WeChat takes to answer the message the killed worker waits on (< WECHAT_TIMEOUT)
JOB_OK = re.compile(r"Worker \S+: \S+: Job OK \(([^)]+)\)")
DEQUEUED = re.compile(r"Worker \S+: \S+: (?!Job OK)\S.* \(([^)]+)\)$", re.M)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
STAFF_TODO = {("oa-demo-liaison", "tmpl-oa-todo"), ("oa-demo-master", "tmpl-oa-todo"),
              ("oa-demo-deputy", "tmpl-oa-deputy-summon")}  # what a submit to 王明 tells


def _get(url: str, **kw) -> requests.Response:
    return requests.get(url, verify=False, timeout=kw.pop("timeout", 15), **kw)


def _post(url: str, **kw) -> requests.Response:
    return requests.post(url, verify=False, timeout=kw.pop("timeout", 15), **kw)


def _login(stack, base: str, openid: str) -> dict:
    code = requests.post(f"{stack.fake}/_fake/login-code", json={"openid": openid}, timeout=5).json()["code"]
    answer = _post(base + "/api/v1/auth/wechat", json={"code": code})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}", "_user": answer.json()["user"]["id"]}


def _auth(headers: dict) -> dict:
    return {k: v for k, v in headers.items() if not k.startswith("_")}


def _demo(stack) -> dict:
    from liaison.core.db import db
    from liaison.places.models import Deputy, Region, Station
    from liaison.users.demo import DEMO_STATION

    with stack.app.app_context():
        deputy = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").one().id  # demo-deputy
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        street = db.session.query(Region).filter_by(name="望月湖街道").one()
        out = {"station_id": station.id, "deputy_id": deputy, "street_id": street.id}
        db.session.rollback()
        return out


def _submit(base: str, headers: dict, demo: dict, text: str, key: str, deadline: float = 60,
            **fields) -> requests.Response:
    """What the mini-program does: the same Idempotency-Key again until an answer comes."""
    body = {"station_id": demo["station_id"], "deputy_id": demo["deputy_id"], "category": "urban", "text": text,
            **fields}
    give_up = time.monotonic() + deadline
    while True:
        try:
            answer = _post(base + "/api/v1/opinions", json=body, headers={**_auth(headers), "Idempotency-Key": key})
            if answer.status_code < 500:
                return answer
        except requests.ConnectionError:
            pass
        assert time.monotonic() < give_up, f"no answer to {key}"
        time.sleep(0.2)


def _opinion_id(base: str, headers: dict, answer: requests.Response, deadline: float = 90) -> int:
    """The opinion a submit made. A busy web process answers 202 with an intake that a
    worker registers: like the mini-program, ask after it until it is registered."""
    if answer.status_code in (200, 201):
        return answer.json()["opinion"]["id"]
    assert answer.status_code == 202, answer.text
    intake = answer.json()["intake"]
    give_up = time.monotonic() + deadline
    while intake["status"] == "pending":
        assert time.monotonic() < give_up, f"intake {intake['id']} still pending"
        time.sleep(0.2)
        try:
            seen = _get(f"{base}/api/v1/opinion-intakes/{intake['id']}", headers=_auth(headers))
        except requests.ConnectionError:
            continue
        if seen.status_code == 200:
            intake = seen.json()["intake"]
    assert intake["status"] == "registered", intake
    return intake["opinion_id"]


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 110, 130)).save(out, "JPEG", quality=85)
    return out.getvalue()


def _rows(stack, opinion_ids) -> list[dict]:
    from liaison.core.db import db
    from liaison.notifications.models import Notification

    with stack.app.app_context():
        rows = [{"id": n.id, "opinion_id": n.opinion_id, "status": n.status, "attempts": n.attempts,
                 "template_id": n.template_id, "channel": n.channel}
                for n in db.session.query(Notification).filter(Notification.opinion_id.in_(list(opinion_ids)))
                .order_by(Notification.id)]
        db.session.rollback()
        return rows


def _template_messages(stack) -> list[dict]:
    return requests.get(f"{stack.fake}/_fake/messages", params={"path": TEMPLATE_SEND}, timeout=5).json()["messages"]


def _worker_logs(stack) -> dict[str, str]:
    return {w.name: w.log.read_text(errors="replace") for w in stack.workers}


def _ran(stack, job_id: str) -> list[str]:
    """The workers that finished ``job_id`` (one name per time it finished)."""
    return [name for name, log in _worker_logs(stack).items() for found in JOB_OK.findall(log) if found == job_id]


def _all_sent(stack, opinion_ids, per_opinion: int):
    def check():
        rows = _rows(stack, opinion_ids)
        return len(rows) == per_opinion * len(opinion_ids) and all(r["status"] == "sent" for r in rows)
    return check


def test_a_resident_logs_in_through_one_web_process_and_continues_through_the_other(stack):
    first, second = (stack.direct(web) for web in stack.webs)
    headers = _login(stack, first, "stack-resident-login")
    for base in (second, stack.nginx, first):
        me = _get(base + "/api/v1/me", headers=_auth(headers))
        assert me.status_code == 200, (base, me.text)
        assert me.json()["user"]["id"] == headers["_user"]
    # Logging in again through the other one finds the same person.
    again = _login(stack, second, "stack-resident-login")
    assert again["_user"] == headers["_user"]
    # A token nobody issued is refused by both alike.
    for base in (first, second):
        assert _get(base + "/api/v1/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def _pick_on_fake(authorize_url: str, openid: str) -> str:
    """What the person does on the fake's consent page; returns the redirect back to us."""
    parts = urlsplit(authorize_url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    confirm = requests.get(f"{parts.scheme}://{parts.netloc}/connect/oauth2/authorize/confirm?"
                           + urlencode({**params, "openid": openid}), allow_redirects=False, timeout=5)
    assert confirm.status_code == 302, confirm.text
    return confirm.headers["Location"]


def test_a_staff_member_logs_in_to_the_pages_through_one_web_process_and_goes_on_through_the_other(stack):
    first, second = (stack.direct(web) for web in stack.webs)
    browser = requests.Session()  # cookies go by host, not port: both processes get them
    start = browser.get(first + "/oauth/wechat?next=/admin/queue", allow_redirects=False)
    assert start.status_code == 302, start.text
    back = browser.get(_pick_on_fake(start.headers["Location"], "oa-demo-liaison"), allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"].endswith("/admin/queue"), back.text
    page = browser.get(second + "/admin/queue", allow_redirects=False)
    assert page.status_code == 200 and "待办意见" in page.text
    through_nginx = browser.get(stack.nginx + "/admin/queue", allow_redirects=False, verify=False)
    assert through_nginx.status_code == 200
    # The session's CSRF token from one process is good at the other; logging out there
    # ends the session everywhere (the cookie kept from before opens nothing any more).
    kept = requests.utils.dict_from_cookiejar(browser.cookies)
    out = browser.post(first + "/admin/logout", data={"csrf_token": CSRF_META.search(page.text).group(1)},
                       allow_redirects=False)
    assert out.status_code in (302, 303), out.text
    for base in (first, second):
        again = requests.get(base + "/admin/queue", cookies=kept, allow_redirects=False, timeout=15)
        assert again.status_code == 302 and "/admin/login" in again.headers["Location"], (base, again.status_code)


def test_an_opinion_submitted_through_nginx_is_handled_once_by_whichever_worker_takes_it(stack):
    demo = _demo(stack)
    headers = _login(stack, stack.nginx, "stack-resident-once")
    first, second = (stack.direct(web) for web in stack.webs)
    # The photo goes up through one web process and is read back through the other (the
    # file store is the S3 bucket, no process has it on its own disk).
    upload = _post(first + "/api/v1/uploads", headers=_auth(headers),
                   files={"file": ("manhole.jpg", _jpeg(), "image/jpeg")})
    assert upload.status_code == 201, upload.text
    photo = _get(second + upload.json()["url"])
    assert photo.status_code == 200 and photo.content == _get(first + upload.json()["url"]).content
    assert photo.content.startswith(b"\xff\xd8")
    key = str(uuid.uuid4())
    text = "望月湖小区七栋门口的井盖松动了，车辆经过时响声很大，夜里影响休息，请尽快处理。"
    made = _submit(stack.nginx, headers, demo, text, key, photo_ids=[upload.json()["id"]])
    assert made.status_code == 201, made.text
    opinion_id = made.json()["opinion"]["id"]
    seen = _get(f"{second}/api/v1/opinions/{opinion_id}", headers=_auth(headers)).json()["opinion"]
    assert _get(stack.nginx + seen["photos"][0]["url"]).content == photo.content
    # The same key through each web process directly: the same opinion, not a second one.
    for web in stack.webs:
        replay = _submit(stack.direct(web), headers, demo, text, key, photo_ids=[upload.json()["id"]])
        assert replay.status_code == 200 and replay.json()["opinion"]["id"] == opinion_id, replay.text

    wait_for(_all_sent(stack, [opinion_id], len(STAFF_TODO)), 60, "the submit's notifications", stack)
    rows = _rows(stack, [opinion_id])
    assert {r["attempts"] for r in rows} == {1}
    delivered = [m for m in _template_messages(stack) if m["client_msg_id"] in {str(r["id"]) for r in rows}]
    assert sorted(m["client_msg_id"] for m in delivered) == sorted(str(r["id"]) for r in rows)  # each once
    assert {(m["touser"], m["template_id"]) for m in delivered} == STAFF_TODO
    # One delivery job per row, run once, by one of the two workers (rq logs it when done).
    wait_for(lambda: all(_ran(stack, f"notification-{r['id']}") for r in rows), 30, "the jobs' ends", stack)
    time.sleep(1.0)  # a second run, were there one, would have shown by now
    for row in rows:
        ran = _ran(stack, f"notification-{row['id']}")
        assert len(ran) == 1 and ran[0] in {w.name for w in stack.workers}, ran

    mine = _get(stack.nginx + "/api/v1/opinions", headers=_auth(headers)).json()["items"]
    assert [o["id"] for o in mine] == [opinion_id]


def test_a_poster_batch_made_by_a_worker_downloads_through_both_web_processes(stack):
    demo = _demo(stack)
    office = _auth(_login(stack, stack.nginx, "demo-office"))
    started = _post(f"{stack.nginx}/api/v1/regions/{demo['street_id']}/poster-batches", json={"format": "pdf"},
                    headers=office)
    assert started.status_code == 202, started.text
    batch_id = started.json()["batch"]["id"]
    progress = {}

    def finished():
        progress.update(_get(f"{stack.nginx}/api/v1/poster-batches/{batch_id}", headers=office).json()["batch"])
        assert progress["status"] != "failed", progress
        return progress["status"] == "finished"

    wait_for(finished, 150, "the poster batch", stack, stack.workers)
    bodies = {}
    for base in [stack.direct(web) for web in stack.webs] + [stack.nginx]:
        answer = _get(base + progress["zip_url"], headers=office, timeout=60)
        assert answer.status_code == 200, (base, answer.text[:300])
        assert answer.headers["Content-Type"].startswith("application/zip")
        bodies[base] = answer.content
    assert len(set(bodies.values())) == 1  # the same file, whoever serves it
    with zipfile.ZipFile(io.BytesIO(next(iter(bodies.values())))) as zf:
        assert len(zf.namelist()) == progress["total"] > 0 and zf.testzip() is None
        assert all(zf.read(n).startswith(b"%PDF") for n in zf.namelist() if n.endswith(".pdf"))
    # Rendered by a worker straight into the bucket (posters and ZIP), served from the bucket:
    # no poster, card or ZIP on any process's own disk.
    with stack.app.app_context():
        from liaison.core.storage import get_storage

        zips = [k for k in get_storage().keys(f"posters/batches/{batch_id}/") if k.endswith(".zip")]
        assert len(zips) == 1 and get_storage().get(zips[0]) == next(iter(bodies.values()))
        with zipfile.ZipFile(io.BytesIO(next(iter(bodies.values())))) as zf:
            assert all(get_storage().exists(f"posters/{n}") for n in zf.namelist())
    assert not [p for proc in [*stack.webs, *stack.workers] for p in (stack.machines / proc.name).rglob("*")
                if p.is_file() and p.suffix in (".zip", ".pdf", ".png", ".jpg")]


def _wording(n: int) -> str:
    what = ["路灯不亮", "井盖松动", "垃圾清运不及时", "楼道堆放杂物"][n % 4]
    harm = ["老人出行不便", "孩子上学危险", "气味很大", "存在消防隐患"][n // 4 % 4]
    return f"望月湖第{n + 1}号楼：{what}，已经{n + 2}天了，{harm}，请尽快处理。"


def _waiting_worker(stack, opinion_ids):
    """The worker waiting on WeChat's late answer: its job delivers a row that stays
    ``sending`` (its own job, or a sweep that took the row) and is still the same job half
    a second later; the other worker's jobs take milliseconds."""
    from rq import Worker

    seen: dict[int, str] = {}
    found = []

    def steady():
        sending = {f"notification-{r['id']}" for r in _rows(stack, opinion_ids) if r["status"] == "sending"}
        now = {w.pid: w.get_current_job_id() for w in Worker.all(connection=stack.redis)}
        busy = [pid for pid, job in now.items() if job and seen.get(pid) == job and (
            job in sending or job.startswith("periodic-liaison_notifications_jobs_sweep-"))]
        seen.clear()
        seen.update(now)
        found[:] = busy
        if len(busy) != 1:
            time.sleep(0.5)
        return len(busy) == 1

    wait_for(steady, LATE - 1, "the worker waiting on WeChat", stack)
    return next(w for w in stack.workers if w.proc.pid == found[0]), seen[found[0]]


def test_killing_a_web_process_and_a_worker_mid_run_loses_nothing(stack):
    """SIGKILL (no clean-up) to one gunicorn and to the worker waiting on WeChat for a
    message, while residents keep submitting and reading through nginx: nginx sends
    everything to the other web process, the queued jobs finish on the other worker, and
    the claim the dead worker held runs out and the scheduler's sweep sends that message
    again (template messages carry the row id: WeChat delivers it once)."""
    demo = _demo(stack)
    residents = [_login(stack, stack.nginx, f"stack-resident-kill-{i}") for i in range(4)]
    web_victim, web_survivor = stack.webs
    reads: list[tuple[float, int | str]] = []
    stop = threading.Event()

    def reader():  # a resident keeps reading while it happens
        while not stop.is_set():
            try:
                answer = _get(stack.nginx + "/api/v1/me", headers=_auth(residents[0]))
                reads.append((time.monotonic(), answer.status_code))
            except requests.RequestException as exc:
                reads.append((time.monotonic(), type(exc).__name__))
            time.sleep(0.02)

    submitted: dict[str, int] = {}
    texts: dict[str, str] = {}

    def submit(n: int):
        key = str(uuid.uuid4())
        texts[key] = _wording(n)
        answer = _submit(stack.nginx, residents[n % len(residents)], demo, texts[key], key)
        submitted[key] = _opinion_id(stack.nginx, residents[n % len(residents)], answer)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for n in range(8):  # deliveries queue up
            submit(n)
        # The next template message WeChat answers late: a worker will be waiting on it.
        requests.post(f"{stack.fake}/_fake/faults", json={"path": TEMPLATE_SEND, "count": 1, "delay": LATE},
                      timeout=5).raise_for_status()
        submit(8)  # (a message to send, were the queue empty by now)
        wait_for(lambda: TEMPLATE_SEND not in requests.get(f"{stack.fake}/_fake/faults", timeout=5).json()["faults"],
                 30, "a worker's call to WeChat", stack, stack.workers)
        worker_victim, victim_job = _waiting_worker(stack, set(submitted.values()))
        in_flight = {r["id"] for r in _rows(stack, set(submitted.values())) if r["status"] == "sending"}
        kill(web_victim)
        kill(worker_victim)
        killed_at = time.monotonic()
        for n in range(9, 12):  # and residents go on submitting
            submit(n)
        time.sleep(1.0)
    finally:
        stop.set()
        thread.join(10)
    survivor = next(w for w in stack.workers if w is not worker_victim)
    assert web_survivor.alive() and survivor.alive()
    assert not web_victim.alive() and not worker_victim.alive()

    # Reading went on: for every request nginx found the web process still there.
    after = [status for at, status in reads if at > killed_at]
    assert len(after) > 5 and set(after) == {200}, Counter(after)
    refused = (stack.nginx_logs / "liaison.error.log").read_text()
    assert "Connection refused) while connecting to upstream" in refused  # it did try the dead one
    assert f'upstream: "http://127.0.0.1:{web_victim.port}/' in refused
    # Every submit is there once, with its own words.
    from liaison.core.db import db
    from liaison.opinions.models import Opinion

    ids = set(submitted.values())
    assert len(ids) == 12
    with stack.app.app_context():
        found = {o.id: o.text for o in db.session.query(Opinion).filter(
            Opinion.submitter_id.in_([r["_user"] for r in residents]))}
        db.session.rollback()
    assert sorted(found) == sorted(ids)
    assert sorted(found[submitted[key]] for key in submitted) == sorted(texts.values())
    # Every notification delivered, each once: the dead worker's claim ran out (LEASE) and a
    # scheduler's sweep, run by the survivor, sent it again.
    wait_for(_all_sent(stack, ids, len(STAFF_TODO)), 90, "every notification of the run", stack, [survivor])
    rows = _rows(stack, ids)
    delivered = Counter(m["client_msg_id"] for m in _template_messages(stack))
    assert all(delivered[str(r["id"])] == 1 for r in rows), [r for r in rows if delivered[str(r["id"])] != 1]
    again = [r for r in rows if r["attempts"] > 1]  # the message the victim was waiting on
    assert len(again) == 1 and again[0]["attempts"] == 2 and again[0]["id"] in in_flight, (again, in_flight)
    if victim_job.startswith("notification-"):  # (else a sweep of the victim's had taken the row)
        assert victim_job == f"notification-{again[0]['id']}"
    assert worker_victim.name not in _ran(stack, f"notification-{again[0]['id']}")
    for row in rows:  # each delivery job finished at most once
        assert len(_ran(stack, f"notification-{row['id']}")) <= 1, row
    late = [r for r in rows if r["opinion_id"] in {submitted[k] for k in list(submitted)[9:]}]
    wait_for(lambda: all(_ran(stack, f"notification-{r['id']}") for r in late), 30, "the late jobs' ends", stack)
    assert {name for r in late for name in _ran(stack, f"notification-{r['id']}")} == {survivor.name}
    assert _get(stack.direct(web_survivor) + "/readyz").status_code == 200


def test_the_periodic_jobs_run_once_per_tick_with_two_schedulers(stack):
    from liaison.core.jobs import PERIODIC

    logs = _worker_logs(stack)
    dequeued = Counter(found for log in logs.values() for found in DEQUEUED.findall(log)
                       if found.startswith("periodic-"))
    assert dequeued, logs
    assert max(dequeued.values()) == 1, [i for i, n in dequeued.items() if n > 1]  # no tick run twice
    ticks: dict[str, set[int]] = {}
    for job_id in dequeued:
        name, tick = job_id.rsplit("-", 1)
        ticks.setdefault(name, set()).add(int(tick))
    assert set(ticks) == {f"periodic-{p.replace('.', '_')}" for p, _ in PERIODIC}  # each job ran
    for path, interval in PERIODIC:
        seen = ticks[f"periodic-{path.replace('.', '_')}"]
        # Consecutive ticks, each taken once: no tick skipped while both schedulers ran.
        assert seen == set(range(min(seen), max(seen) + 1)), (path, sorted(seen))
    for scheduler in stack.schedulers:
        assert scheduler.alive(), scheduler.tail()
