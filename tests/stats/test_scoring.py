"""Duty points and the league table's ranking rules (pure)."""
from liaison.stats.flags import (IDLE, OVER_MAX, TOO_MANY_PROV_MUNI, TOO_MANY_SENIOR, UNDER_MIN,
                                 AreaSummary, Composition, Thresholds, area_sentence, station_flags,
                                 subdivisions)
from liaison.stats.scoring import Entry, duty_points, league


def test_duty_points_use_the_configured_weights():
    counts = {"check_ins": 2, "receptions": 1, "residents": 12, "opinions_in": 4, "in_time": 2,
              "satisfied": 1, "suggestions": 0}
    assert duty_points(counts)["total"] == 16.4
    assert duty_points(counts, {"check_ins": 10, "suggestions": 100})["total"] == 20


def test_under_ten_cases_is_too_few_to_rank_and_the_rest_rank_by_lower_bound():
    table = league([
        Entry(1, "满分但少", in_time=9),                   # 9 cases: too few
        Entry(2, "十件全按期", in_time=10),                 # 10/10 -> 0.7225
        Entry(3, "三十件二十七件按期", in_time=27, late=3),   # 27/30 -> 0.7438
        Entry(4, "一半未解决", in_time=6, unresolved=6),     # 6/12
        Entry(5, "评价拉分", in_time=10, ratings=10, satisfied=0),  # 10/20
    ], min_cases=10)
    assert [r["id"] for r in table["ranked"]] == [3, 2, 5, 4]  # 10/20 beats 6/12: more evidence
    assert [r["rank"] for r in table["ranked"]] == [1, 2, 3, 4]
    assert table["ranked"][0]["lower_bound"] == 0.7438
    assert [r["id"] for r in table["too_few"]] == [1]
    assert table["too_few"][0]["rank"] is None


def test_equal_lower_bounds_share_a_rank():
    table = league([Entry(1, "甲", in_time=10), Entry(2, "乙", in_time=10), Entry(3, "丙", in_time=5, late=5)])
    assert [r["rank"] for r in table["ranked"]] == [1, 1, 3]


def test_station_flags_follow_the_seeds_rules_at_their_boundaries():
    t = Thresholds()
    assert station_flags(Composition(9, senior=3), 0, t) == [UNDER_MIN, TOO_MANY_SENIOR, IDLE]
    assert station_flags(Composition(10, senior=2, prov_muni=5), 1, t) == []
    assert station_flags(Composition(50), 1, t) == []
    assert station_flags(Composition(51, prov_muni=6), 3, t) == [OVER_MAX, TOO_MANY_PROV_MUNI]


def test_area_sentence_reads_like_the_changsha_report():
    t = Thresholds()
    s = AreaSummary()
    s.add("central", Composition(9, senior=3), [UNDER_MIN, TOO_MANY_SENIOR])
    s.add("feature", Composition(47), [])
    s.add("central", Composition(5), [UNDER_MIN])
    assert subdivisions(["望月湖社区", "东方红村", "雨花区", "浏阳市"]) == \
        {"街道": 0, "镇": 0, "乡": 0, "社区": 1, "村": 1, "区": 1, "县": 0, "市": 1, "其他": 0}
    text = area_sentence(3, "岳麓区", subdivisions(["望月湖街道", "莲花镇", "桔子洲街道"]), s, t)
    assert text == ("（三）岳麓区。辖区 2 个街道、1 个镇，共 3 个代表联络站（中心站 2 个、特色站等 1 个），"
                    "驻站代表数中心站 5~9 人、特色站等 47 人，有 2 个联络站驻站代表在 10 人以下，"
                    "1 个联络站县级以上职务代表超过 2 名。")


def test_area_sentence_gives_the_range_per_kind_of_station_like_tianxin():
    """天心区 in the Changsha report: 街道代表联络站 14~28 人，特色代表联络站 5~7 人."""
    t = Thresholds(min_deputies=1)
    s = AreaSummary()
    for kind, n in (("central", 14), ("feature", 5), ("central", 28), ("feature", 7), ("park", 6)):
        s.add(kind, Composition(n), [])
    assert (s.central_span, s.feature_span, s.min_deputies, s.max_deputies) == ((14, 28), (5, 7), 5, 28)
    text = area_sentence(2, "天心区", subdivisions(["坡子街街道", "城南路街道"]), s, t)
    assert text == ("（二）天心区。辖区 2 个街道，共 5 个代表联络站（中心站 2 个、特色站等 3 个），"
                    "驻站代表数中心站 14~28 人、特色站等 5~7 人。")
    only_central = AreaSummary()
    for n in (14, 28):
        only_central.add("central", Composition(n), [])
    assert "驻站代表数在 14~28 人范围" in area_sentence(1, "开福区", {}, only_central, t)
