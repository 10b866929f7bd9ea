"""WeChat keyword values: what 47003 would reject must never leave fit()."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from liaison.notifications.fields import (
    build_data, build_template_data, fit, fit_template, kind_of,
)

LONG = "小区东门路灯已经坏了三个多月晚上出行很不方便老人孩子容易摔倒"


@pytest.mark.parametrize("value, expected", [
    ("路灯坏了", "路灯坏了"),
    ("一二三四五六七八九十一二三四五六七八九十", "一二三四五六七八九十一二三四五六七八九十"),  # exactly 20
    (LONG, LONG[:19] + "…"),
    ("第一行\n第二行\r\n\t第三行", "第一行 第二行 第三行"),
    ("  谢谢🙏  ", "谢谢"),
    ("", "无"),
    (None, "无"),
])
def test_thing_is_at_most_20_characters_on_one_line(value, expected):
    out = fit("thing", value)
    assert out == expected and len(out) <= 20 and "\n" not in out


@pytest.mark.parametrize("value, expected", [
    ("已受理", "已受理"),
    ("已答复（待评）", "已答复待评"),
    ("状态: accepted 已受理", "状态已受理"),
    ("非常非常满意的结果", "非常非常满"),
    ("accepted", "无"),
    ("—", "无"),
])
def test_phrase_keeps_at_most_five_chinese_characters(value, expected):
    out = fit("phrase", value)
    assert out == expected and re.fullmatch(r"[\u4e00-\u9fff]{1,5}", out)


def test_phrase_default_is_used_and_must_itself_be_chinese():
    assert fit("phrase", "OK", default="已办结") == "已办结"
    assert fit("phrase", "", default="—") == "无"
    assert fit("phrase", "已答复，请评价", default="已答复") == "已答复"


@pytest.mark.parametrize("value, expected", [
    ("张三", "张三"),
    ("欧阳娜娜娜娜娜娜娜娜娜", "欧阳娜娜娜娜娜娜娜娜"),  # 11 Chinese -> 10
    ("Alexander Hamilton-Smith", "Alexander Hamilton-S"),  # Latin -> 20
    ("李Lee", "李Lee"),
    ("", "无"),
])
def test_name_is_ten_chinese_or_twenty_latin(value, expected):
    assert fit("name", value) == expected


def test_character_string_keeps_32_allowed_ascii_characters():
    assert fit("character_string", "LL-2026-000123") == "LL-2026-000123"
    assert fit("character_string", "编号 LL-2026-000123") == "LL-2026-000123"
    assert fit("character_string", "x" * 40) == "x" * 32
    assert fit("character_string", "中文") == "-"


def test_number_and_phone_are_never_cut_silently():
    assert fit("number", 147) == "147"
    assert fit("number", "1,234.50") == "1234.50"
    assert fit("number", 0.5) == "0.5"
    with pytest.raises(ValueError):
        fit("number", "9" * 33)
    with pytest.raises(ValueError):
        fit("number", "十二")
    with pytest.raises(ValueError):
        fit("number", None)
    assert fit("phone_number", "138 0000 1234") == "13800001234"
    assert fit("phone_number", "+86-0731-88886666") == "+86-0731-88886666"
    assert fit("phone_number", "138****1234") == "138****1234"
    with pytest.raises(ValueError):
        fit("phone_number", "+86-0731-88886666-123")
    with pytest.raises(ValueError):
        fit("phone_number", "无")


def test_time_is_written_the_chinese_way_in_beijing_time():
    aware = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)
    assert fit("time", aware) == "2026年11月25日 16:00"
    assert fit("time", "2026-11-25T16:00:00+08:00") == "2026年11月25日 16:00"
    assert fit("time", datetime(2026, 3, 2, 9, 5)) == "2026年3月2日 09:05"
    assert fit("time", "2026年11月25日 16:00") == "2026年11月25日 16:00"
    assert fit("time", "09:00~11:30") == "09:00~11:30"
    with pytest.raises(ValueError):
        fit("time", "下午四点")
    with pytest.raises(ValueError):
        fit("time", date(2026, 11, 25))


def test_date_accepts_dates_datetimes_and_iso_strings():
    assert fit("date", date(2026, 12, 20)) == "2026年12月20日"
    assert fit("date", "2026-12-20") == "2026年12月20日"
    late = datetime(2026, 12, 19, 20, 0, tzinfo=timezone(timedelta(hours=-2)))
    assert fit("date", late) == "2026年12月20日"  # already the 20th in Beijing
    with pytest.raises(ValueError):
        fit("date", "")


def test_other_kinds():
    assert fit("amount", "1,200") == "¥1200.00"
    assert fit("letter", "abc123") == "abc"
    assert fit("symbol", "a-b+c") == "-+"
    assert fit("car_number", "湘A 12345") == "湘A12345"
    with pytest.raises(ValueError):
        fit("colour", "red")


def test_build_data_reads_the_type_from_the_key():
    data = build_data({"thing1": LONG, "phrase2": "已受理 ✓", "time3": "2026-11-25T16:00:00+08:00",
                       "character_string4": "LL-2026-000123", "thing5": ""},
                      defaults={"thing5": "请在小程序中查看"})
    assert data == {
        "thing1": {"value": LONG[:19] + "…"},
        "phrase2": {"value": "已受理"},
        "time3": {"value": "2026年11月25日 16:00"},
        "character_string4": {"value": "LL-2026-000123"},
        "thing5": {"value": "请在小程序中查看"},
    }
    assert kind_of("character_string12") == "character_string"
    with pytest.raises(ValueError):
        build_data({"keyword1": "x"})


def test_template_values_are_at_most_20_characters():
    assert fit_template(LONG) == LONG[:19] + "…"
    assert fit_template("") == "无"
    assert fit_template("x" * 30, "character_string") == "x" * 20
    data = build_template_data({"keyword1": "a\nb", "thing2": LONG, "time3": datetime(2026, 1, 5, 9)})
    assert data == {"keyword1": {"value": "a b"}, "thing2": {"value": LONG[:19] + "…"},
                    "time3": {"value": "2026年1月5日 09:00"}}
    with pytest.raises(ValueError):
        fit_template("1" * 25, "number")
