"""WeChat's subscribe-message value rules as the fake enforces them (pure, no HTTP)."""
from __future__ import annotations

import pytest

from liaison.wechat.fake.validate import SCENE, subscribe_data_error, template_data_error

GOOD = [
    ("thing1", "您反映的路灯问题已处理"[:20]), ("thing1", "a" * 20), ("phrase3", "已受理"),
    ("phrase3", "不予受理"), ("name4", "欧阳娜娜"), ("name4", "Zhang San"),
    ("character_string5", "YJ-2026/0001#A"), ("number6", "12"), ("number6", "3.5"),
    ("phone_number7", "0731-88888888"), ("phone_number7", "+86 13800138000"),
    ("time8", "15:01"), ("time8", "2026年12月1日 15:01"), ("time8", "2026-12-01 15:01"),
    ("date9", "2026年12月1日"), ("date9", "2026-12-01"), ("date9", "2026-12-01 ~ 2026-12-03"),
    ("amount10", "¥100.50元"), ("letter11", "ABC"), ("symbol12", "%"), ("car_number13", "湘A12345"),
]
BAD = [
    ("thing1", "字" * 21), ("thing1", ""), ("thing1", "  "), ("thing1", "第一行\n第二行"),
    ("phrase3", "已经受理完毕了"), ("phrase3", "OK"), ("name4", "欧" * 11), ("name4", "a" * 21),
    ("name4", "张3"), ("character_string5", "编号123"), ("character_string5", "a" * 33),
    ("character_string5", "A B"), ("number6", "12a"), ("number6", "1" * 33),
    ("phone_number7", "1" * 18), ("phone_number7", "电话"), ("time8", "明天下午"),
    ("date9", "12/01"), ("amount10", "一百元"), ("letter11", "A1"), ("unknown14", "x"),
]


@pytest.mark.parametrize("key, value", GOOD)
def test_valid_values_pass(key, value):
    assert subscribe_data_error({key: {"value": value}}) is None


@pytest.mark.parametrize("key, value", BAD)
def test_invalid_values_are_47003_naming_the_key(key, value):
    assert subscribe_data_error({key: {"value": value}}) == f"argument invalid! data.{key}.value invalid"


def test_missing_required_key_and_empty_data():
    assert subscribe_data_error({}) == "argument invalid! data is empty"
    assert subscribe_data_error({"thing1": {"value": "x"}}, ["thing1", "time2"]) == \
        "argument invalid! data.time2.value is empty"


def test_official_template_keywords_are_capped_at_20_but_first_and_remark_ignored():
    assert template_data_error({"first": {"value": "长" * 40}, "keyword1": {"value": "长" * 20}}) is None
    assert template_data_error({"keyword1": {"value": "长" * 21}}) == \
        "argument invalid! data.keyword1.value invalid"


@pytest.mark.parametrize("scene, ok", [
    ("c=Ab3", True), ("a" * 32, True), ("!#$&'()*+,/:;=?@-._~", True),
    ("a" * 33, False), ("", False), ("站", False), ("a b", False), ("a%20b", False),
])
def test_scene_charset_and_length(scene, ok):
    assert bool(SCENE.match(scene)) is ok
