"""The rating form on the resident's opinion page: a refused rating comes back as the
page itself (status 422/409), the choice and the words kept, the message inside the
form, and the comment marked 必填 once 不满意 is chosen; the timeline shows the
说明（群众可见） staff wrote, never their internal notes."""
from __future__ import annotations

import re

import pytest
from page_helpers import csrf_of

TEXT = "望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险，希望尽快修好。"


@pytest.fixture
def answered(app, client, resident, town, phone):
    """The resident's opinion, accepted (with a public and an internal note) and answered."""
    resident()
    form = client.get(f"/h5/submit?station_id={town['station_id']}").get_data(as_text=True)
    r = client.post("/h5/submit", data={"csrf_token": csrf_of(form), "station_id": town["station_id"],
                                        "text": TEXT, "key": re.search(r'name="key" value="([^"]+)"', form).group(1)},
                    content_type="multipart/form-data")
    opinion_id = int(r.headers["Location"].rsplit("/", 1)[1])
    staff = app.test_client()
    token = staff.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")}).get_json()["token"]
    for body in ({"action": "release_hold"},  # an H5 text is not checked by WeChat: staff review first
                 {"action": "accept", "public_note": "已受理，会尽快安排维修。", "note": "内部：居民是老党员"},
                 {"action": "reply_directly", "text": "楼道灯已经更换。", "method": "phone"}):
        res = staff.post(f"/api/v1/opinions/{opinion_id}/transitions", json=body,
                         headers={"Authorization": "Bearer " + token})
        assert res.status_code == 200, res.get_json()
    return opinion_id


def _rate(client, opinion_id, **fields):
    page = client.get(f"/h5/opinions/{opinion_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return client.post(f"/h5/opinions/{opinion_id}/rate",
                       data={"csrf_token": csrf_of(page), "version": version, **fields})


def _form(html: str) -> str:
    start = html.index('<form method="post" action="/h5/opinions/')
    return html[start:html.index("</form>", start)]


def test_unsatisfied_without_a_reason_comes_back_with_the_choice_and_a_required_reason(client, answered):
    r = _rate(client, answered, rating="unsatisfied", comment="  ")
    assert r.status_code == 422
    form = _form(r.get_data(as_text=True))
    assert f'action="/h5/opinions/{answered}/rate#rate"' in form
    assert 'class="card rate-form is-unsatisfied" id="rate"' in form
    assert 'data-testid="rate-error">请说明不满意的原因，便于复核</div>' in form
    assert re.search(r'value="unsatisfied" required data-testid="rating-unsatisfied" checked>', form)
    assert 'aria-invalid="true" aria-describedby="rate-comment-error"' in form
    assert "必填" in form  # shown by the class (and by :has() where the browser has it)


def test_a_fresh_form_says_the_comment_is_optional_until_unsatisfied(client, answered):
    form = _form(client.get(f"/h5/opinions/{answered}").get_data(as_text=True))
    assert 'class="card rate-form" id="rate"' in form and " checked" not in form
    assert 'data-testid="comment-optional">（选填）</em>' in form


def test_a_rating_refused_after_the_form_is_gone_is_told_at_the_top(client, answered):
    page = client.get(f"/h5/opinions/{answered}").get_data(as_text=True)
    stale = {"csrf_token": csrf_of(page), "version": re.search(r'name="version" value="(\d+)"', page).group(1)}
    assert _rate(client, answered, rating="satisfied").status_code == 302
    r = client.post(f"/h5/opinions/{answered}/rate", data={**stale, "rating": "satisfied"})
    assert r.status_code == 409
    assert 'data-testid="stray-error">' in r.get_data(as_text=True)


def test_the_timeline_shows_the_public_note_and_not_the_internal_one(client, answered):
    html = client.get(f"/h5/opinions/{answered}").get_data(as_text=True)
    assert 'data-testid="public-note">已受理，会尽快安排维修。</div>' in html
    assert "居民是老党员" not in html
