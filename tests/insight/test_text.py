"""The shared text tools (``insight.text``): what other packages rely on."""
from __future__ import annotations

import threading

import factories

from liaison.insight import text


def test_normalize_folds_width_case_digits_links_and_punctuation():
    raw = "Ｗｉｆｉ坏了！！联系电话：13800000000，见 https://example.cn/a?b=1 或 a@b.cn　３号楼"
    out = text.normalize(raw)
    assert out == "wifi坏了 联系电话 见 或 号楼"
    assert text.normalize(out) == out
    assert text.normalize(None) == "" and text.normalize("，。！") == ""


def test_tokens_keep_domain_words_whole_and_drop_stop_words():
    words = text.tokens("希望有关部门尽快解决我们老旧小区加装电梯的问题，小区门口路灯不亮已经三个多月了")
    assert "加装电梯" in words and "老旧小区" in words and "路灯" in words
    for noise in ("希望", "有关部门", "尽快", "解决", "我们", "问题", "的", "三个", "多月"):
        assert noise not in words
    assert "占道经营" in text.tokens("菜市场门口占道经营很严重")
    assert text.tokens("灯") == ["灯"] and text.tokens("了") == []


def test_tokens_ignore_given_words():
    assert "路灯" not in text.tokens("路灯坏了", ignore={"路灯"})


def test_place_words_from_the_database_join_the_segmenter(app):
    from liaison.core.db import db

    with app.app_context():
        city = factories.region(db.session, "测试市", "city")
        district = factories.region(db.session, "鹭栖区", "district", city)
        street = factories.region(db.session, "雁栖湾街道", "street", district)
        factories.station(db.session, street, "测试市鹭栖区雁栖湾街道人大代表联络站")
        other = factories.region(db.session, "远山区", "district", city)
        factories.station(db.session, other, "远山区松茸坪人大代表联络站")
        db.session.flush()
        words = text.place_words(district)
        assert {"鹭栖区", "雁栖湾街道", "雁栖湾", "测试市鹭栖区雁栖湾街道人大代表联络站"} <= words
        assert "松茸坪" not in words and "远山区" not in words
        assert "雁栖湾" in text.tokens("雁栖湾那边的路灯坏了")
        # A station added later is read at call time.
        factories.station(db.session, street, "测试市鹭栖区雁栖湾街道青萝社区联络点")
        assert "青萝" in text.place_words(district)
        db.session.rollback()


def test_add_place_words_strips_prefixes_and_suffixes():
    words = text.add_place_words(["长沙市", "岳麓区", "望月湖街道", "长沙市岳麓区望月湖街道人大代表联络站"])
    assert {"望月湖", "岳麓", "长沙"} <= words
    assert text.add_place_words(["望月湖街道"]) == {"望月湖街道", "望月湖"}  # idempotent


def test_vectors_make_alike_texts_close_and_unlike_ones_far():
    texts = ["小区门口的路灯坏了好几个月，晚上一片漆黑", "我们这边路灯晚上不亮，走夜路很危险",
             "老旧小区加装电梯的补贴什么时候发", "电梯加装的审批太慢了，老人爬楼困难",
             "菜市场门口占道经营，堵得车都过不去"]
    matrix, vectorizer = text.vectorize(texts)
    sims = (matrix @ matrix.T).toarray()
    assert matrix.shape[0] == 5
    assert abs(sims[0, 0] - 1) < 1e-9
    assert sims[0, 1] > 0.15 and sims[2, 3] > 0.15  # same theme, other words
    assert sims[0, 2] < 0.1 and sims[0, 4] < 0.1 and sims[2, 4] < 0.1  # 门口 is shared by 0 and 4
    assert vectorizer.keywords([0, 1], 1) == ["路灯"]
    assert vectorizer.keywords([2, 3], 1) == ["电梯"]
    assert vectorizer.keywords([], 3) == []
    again = vectorizer.transform([texts[0], "完全无关的内容"])
    assert abs((again[0] @ matrix[0].T).toarray()[0, 0] - 1) < 1e-9
    assert again.shape == (2, matrix.shape[1])


def test_texts_without_features_are_zero_rows():
    matrix, vectorizer = text.vectorize(["的了", "", "希望"])
    assert matrix.shape[0] == 3 and matrix.nnz == 0
    assert vectorizer.keywords([0, 1, 2]) == []


def test_tokens_from_many_threads_while_words_are_added():
    errors = []

    def cut():
        try:
            for _ in range(200):
                assert "路灯" in text.tokens("望月湖的路灯坏了")
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    def add():
        for n in range(200):
            text.add_place_words([f"测试地名{n}号街道"])

    threads = [threading.Thread(target=cut) for _ in range(3)] + [threading.Thread(target=add)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
