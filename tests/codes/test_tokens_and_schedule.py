"""Pure parts: token shape and the reception-plan dates (no database)."""
from datetime import date

from liaison.codes.tokens import code_url, looks_like_token, new_token
from liaison.places.schedule import describe, format_day, next_dates
from liaison.wechat.fake.validate import SCENE


def test_tokens_are_16_url_safe_random_characters_legal_as_wechat_scene():
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for token in tokens:
        assert len(token) == 16 and looks_like_token(token)
        assert SCENE.match(token), token
        assert not token.isdigit()


def test_syntax_check_rejects_what_cannot_be_a_token():
    assert not looks_like_token("")
    assert not looks_like_token("short")
    assert not looks_like_token("x" * 33)
    assert not looks_like_token("abc/def%20ghijklmn")


def test_code_url_uses_s_for_stations_and_d_for_deputies():
    assert code_url("https://a.gov.cn/", "station", "T" * 16) == "https://a.gov.cn/s/" + "T" * 16
    assert code_url("https://a.gov.cn", "deputy", "T" * 16) == "https://a.gov.cn/d/" + "T" * 16


def test_monthly_reception_day_gives_the_next_three_months():
    plan = {"monthly_days": [15]}
    assert next_dates(plan, date(2026, 11, 25)) == [date(2026, 12, 15), date(2027, 1, 15), date(2027, 2, 15)]
    assert next_dates(plan, date(2026, 12, 15))[0] == date(2026, 12, 15)  # today counts


def test_day_31_falls_on_the_last_day_of_short_months():
    assert next_dates({"monthly_days": [31]}, date(2027, 2, 1), 2) == [date(2027, 2, 28), date(2027, 3, 31)]


def test_weekdays_and_market_days():
    # 2026-11-25 is a Wednesday (ISO 3)
    assert next_dates({"weekdays": [3]}, date(2026, 11, 25), 2) == [date(2026, 11, 25), date(2026, 12, 2)]
    # 逢三、六、九
    assert next_dates({"market_days": [3, 6, 9]}, date(2026, 11, 25), 4) == [
        date(2026, 11, 26), date(2026, 11, 29), date(2026, 12, 3), date(2026, 12, 6)]
    assert next_dates({"market_days": [10]}, date(2026, 11, 25), 2) == [date(2026, 11, 30), date(2026, 12, 10)]


def test_empty_or_broken_plans_give_no_dates():
    assert next_dates({}, date(2026, 11, 25)) == []
    assert next_dates(None, date(2026, 11, 25)) == []
    assert next_dates({"monthly_days": ["x", 40]}, date(2026, 11, 25)) == []


def test_plan_is_described_in_chinese():
    plan = {"monthly_days": [15], "weekdays": [3], "market_days": [3, 6, 9], "start": "09:00", "end": "11:30"}
    assert describe(plan) == ["每月15日 9:00-11:30", "每周三 9:00-11:30", "圩日（逢三、六、九） 9:00-11:30"]
    assert describe({}) == []
    assert format_day(date(2026, 12, 15)) == "12月15日（周二）"


def test_no_token_starts_with_a_dash_that_the_command_line_would_take_for_an_option():
    from liaison.codes.tokens import new_token

    assert not any(new_token().startswith("-") for _ in range(5000))
