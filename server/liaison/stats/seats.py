"""Who sits where in a month: station composition, distinct deputies per region, and
the invisible deputies (隐身代表). Pure: no Flask, no database.

- A seat (membership) counts in a month when it is in force on the month's last day
  (or on today, for the month under way): started on or before, not ended before.
- Deputies per station count home and cross-station seats; deputies per region
  count each person once, however many of the region's stations they sit in.
- Invisible: seated for the whole window of the configured months ending with this
  one (a seat in force on the window's first day and one on its last), and no
  check-in, reception or suggestion in it. A deputy who took a seat inside the window
  (a roster imported this month gives every seat the import date) is not judged yet;
  one who moved between stations during the window is judged as seated throughout.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, NamedTuple

from .flags import Composition


class Seat(NamedTuple):
    deputy_id: int
    station_id: int
    kind: str  # home | cross
    started_on: date | None
    ended_on: date | None
    senior: bool
    prov_muni: bool


def in_force(seat: Seat, day: date) -> bool:
    return (seat.started_on is None or seat.started_on <= day) and (seat.ended_on is None or seat.ended_on >= day)


@dataclass
class MonthSeats:
    compositions: dict[int, Composition] = field(default_factory=dict)
    station_invisible: Counter = field(default_factory=Counter)
    # (region_id, direct) -> count; direct: stations attached to the region itself
    region_deputies: Counter = field(default_factory=Counter)
    region_invisible: Counter = field(default_factory=Counter)
    invisible: set[int] = field(default_factory=set)


def month_seats(seats: Iterable[Seat], as_of: date, window_start: date, active: set[int],
                regions_of: dict[int, tuple[tuple[int, ...], int]]) -> MonthSeats:
    """Composition and visibility for one month.

    :param seats: every seat in force at some time from ``window_start`` to ``as_of``.
    :param active: deputies with presence in the window.
    :param regions_of: station id -> (region ids counted for it, the station's own region).
    """
    seats = list(seats)
    out = MonthSeats()
    seated_throughout = {s.deputy_id for s in seats if in_force(s, window_start)}
    seated: dict[int, list[Seat]] = defaultdict(list)
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for seat in seats:
        if not in_force(seat, as_of):
            continue
        seated[seat.deputy_id].append(seat)
        t = tallies[seat.station_id]
        t[0] += 1
        t[1 if seat.kind == "home" else 2] += 1
        t[3] += seat.senior
        t[4] += seat.prov_muni
    out.compositions = {sid: Composition(*t) for sid, t in tallies.items()}
    for deputy_id, mine in seated.items():
        gone = deputy_id not in active and deputy_id in seated_throughout
        regions, own = set(), set()
        for s in mine:
            ancestors, region = regions_of[s.station_id]
            regions.update(ancestors)
            own.add(region)
            if gone:
                out.station_invisible[s.station_id] += 1
        keys = [(r, False) for r in regions] + [(r, True) for r in own]
        out.region_deputies.update(keys)
        if gone:
            out.invisible.add(deputy_id)
            out.region_invisible.update(keys)
    return out


def path_ids(path: str) -> tuple[int, ...]:
    """"/1/4/17/" -> (1, 4, 17)."""
    return tuple(int(p) for p in path.strip("/").split("/") if p)
