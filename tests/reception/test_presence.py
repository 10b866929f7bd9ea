"""Judging one scan against the station's point, and what the deputy is told (pure)."""
from liaison.reception.presence import (FAR, NO_LOCATION, STATION_UNLOCATED, answer_message, assess,
                                        duty_status, status_text)

STATION = (28.1955, 112.9430)
KM_NORTH = 1000 / 111_195.08  # degrees of latitude in one kilometre


def test_a_scan_at_the_station_is_verified_with_its_distance():
    here = assess(STATION, (STATION[0] + 0.1 * KM_NORTH, STATION[1]), 500)
    assert (here.verified, here.reason, here.distance_m) == (True, None, 100)
    edge = assess(STATION, (STATION[0] + 0.5 * KM_NORTH, STATION[1]), 500)
    assert edge.verified and edge.distance_m == 500  # the radius itself still counts


def test_a_scan_far_away_without_a_position_or_at_a_station_without_a_point_is_unverified():
    far = assess(STATION, (STATION[0] + 5 * KM_NORTH, STATION[1]), 500)
    assert (far.verified, far.reason, far.distance_m) == (False, FAR, 5000)
    assert assess(STATION, None, 500) == (False, NO_LOCATION, None)
    assert assess((None, None), (28.19, 112.94), 500) == (False, STATION_UNLOCATED, None)
    assert assess(STATION, (STATION[0] + 5 * KM_NORTH, STATION[1]), 6000).verified  # the radius is a setting


def test_the_deputy_is_told_in_chinese_whether_and_why_not():
    assert status_text(False, FAR, 3204, "scan", False) == "距联络站约3.2公里，已记录，待工作人员确认"
    assert status_text(False, NO_LOCATION, None, "scan", False) == "未获取到手机位置，已记录，待工作人员确认"
    assert status_text(False, STATION_UNLOCATED, None, "scan", False) == "联络站尚未登记位置，已记录，待工作人员确认"
    assert status_text(True, None, 120, "scan", False) == "定位核验通过（距联络站约120米）"
    assert status_text(True, FAR, 3204, "scan", True) == "工作人员已确认"
    assert status_text(True, None, None, "staff", False) == "工作人员登记"
    assert answer_message(True, True, "定位核验通过（距联络站约120米）") == "已签到，进站履职已记录"
    assert answer_message(False, True, "…") == "今天已签到"
    assert answer_message(True, False, "距联络站约3.2公里，已记录，待工作人员确认") == \
        "距联络站约3.2公里，已记录，待工作人员确认"
    assert answer_message(False, False, "未获取到手机位置，已记录，待工作人员确认").startswith("今天已签到。未获取到")


def test_duty_record_marks_the_unverified_as_pending():
    assert duty_status(False, FAR, 5000, "scan", False) == "待确认（距联络站约5.0公里）"
    assert duty_status(False, NO_LOCATION, None, "scan", False) == "待确认（未获取到手机位置）"
    assert duty_status(True, NO_LOCATION, None, "scan", True) == "工作人员已确认"
