"""Distances and coordinate checks behind verified check-ins (pure, no database)."""
import math

import pytest

from liaison.places.geo import distance_text, haversine_m, parse_station_point, position_problem

R = 6_371_008.8


def test_haversine_matches_arcs_of_known_length():
    assert haversine_m(28.1955, 112.9430, 28.1955, 112.9430) == 0
    assert haversine_m(28.0, 113.0, 29.0, 113.0) == pytest.approx(R * math.pi / 180, rel=1e-9)  # 1° of latitude
    assert haversine_m(0, 0, 0, 90) == pytest.approx(R * math.pi / 2, rel=1e-9)  # a quarter of the equator
    assert haversine_m(0, 0, 0, 180) == pytest.approx(R * math.pi, rel=1e-9)  # antipodes: no domain error
    assert haversine_m(60, 10, 60, 11) == pytest.approx(R * math.pi / 180 * 0.5, rel=1e-3)  # cos 60° = 0.5


def test_haversine_is_symmetric_and_crosses_the_antimeridian():
    a, b = (28.1955, 112.9430), (39.9042, 116.4074)  # 长沙 and 北京: about 1,340 km
    assert haversine_m(*a, *b) == pytest.approx(haversine_m(*b, *a))
    assert 1_300_000 < haversine_m(*a, *b) < 1_380_000
    assert haversine_m(0, 179.5, 0, -179.5) == pytest.approx(R * math.pi / 180, rel=1e-9)


def test_a_phone_position_must_be_a_point_on_earth():
    assert position_problem(28.19, 112.94) is None
    assert position_problem(-90, 180) is None
    assert position_problem(90.5, 112.9) == "纬度应在 -90 到 90 之间"
    assert position_problem(28.1, -180.1) == "经度应在 -180 到 180 之间"
    for bad in (math.nan, math.inf, -math.inf, None, "28.1", True):
        assert position_problem(bad, 112.9) == "位置坐标必须是有效数字"
        assert position_problem(28.1, bad) == "位置坐标必须是有效数字"


def test_station_point_is_both_or_neither_and_inside_china():
    assert parse_station_point("", " ") == (None, None)
    assert parse_station_point(" 28.1955 ", "112.9430°") == (28.1955, 112.943)
    with pytest.raises(ValueError, match="纬度和经度要同时填写"):
        parse_station_point("28.1955", "")
    with pytest.raises(ValueError, match="纬度“北纬28度”不是数字"):
        parse_station_point("北纬28度", "112.9")
    with pytest.raises(ValueError, match="不是有效数字"):
        parse_station_point("nan", "112.9")
    with pytest.raises(ValueError, match="纬度“112.943”应在 3 到 54 之间.*是否填反了"):
        parse_station_point("112.943", "28.1955")
    with pytest.raises(ValueError, match="经度“0”应在 73 到 136 之间"):
        parse_station_point("28.1955", "0")


def test_distance_reads_in_metres_then_kilometres():
    assert distance_text(0) == "约10米"
    assert distance_text(347) == "约350米"
    assert distance_text(996) == "约1.0公里"
    assert distance_text(3204) == "约3.2公里"
