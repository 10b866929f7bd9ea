"""Opinions and their events for ``gen_province.py``: a million cases with realistic
timelines (accepted, assigned with a deadline, answered, rated, closed; some declined
or duplicates; the recent ones still open), written with COPY.
"""
from __future__ import annotations

import os
from pathlib import Path

from gen_province import DAY, Copier, dt, ts


def opinions(conn, rng, now, start, sids, weights, members, n):
    """:return: (opinions written, events written)."""
    op = Copier(conn, "opinions", "id, number, station_id, deputy_id, category, text, original_text, anonymous, "
                                  "contact_phone, state, hold_reason, close_reason, deadline, rounds, rating, "
                                  "rating_comment, rated_at, reply_text, replied_at, content_hash, source, "
                                  "created_at, updated_at, closed_at, version")
    ev_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"liaison-events-{os.getpid()}.tsv"
    events = 0
    with ev_path.open("w") as ev:
        stations = rng.choices(sids, weights=weights, k=n)
        for i in range(n):
            oid, sid = i + 1, stations[i]
            crew = members[sid]
            deputy = rng.choice(crew) if crew and rng.random() < 0.75 else None
            created = rng.uniform(start, now)
            timeline = [("submit", None, "submitted", created)]
            state, close_reason, deadline, replied, rated, rating, closed = "submitted", "", None, None, None, None, None
            accepted = created + rng.uniform(0.1, 3) * DAY
            if rng.random() < 0.07:
                closed = accepted
                if closed <= now:
                    dup = rng.random() < 0.3
                    state, close_reason = ("closed", "duplicate") if dup else ("declined", "")
                    timeline.append(("mark_duplicate" if dup else "decline", "submitted", state, closed))
                else:
                    closed = None
            elif accepted <= now:
                state = "accepted"
                timeline.append(("accept", "submitted", "accepted", accepted))
                assigned = accepted + rng.uniform(0.1, 2) * DAY
                if assigned <= now:
                    state = "assigned"
                    deadline_at = assigned + rng.choice((15, 15, 30, 30, 60)) * 1.4 * DAY
                    deadline = dt(deadline_at)
                    timeline.append(("assign", "accepted", "assigned", assigned))
                    replied = assigned + rng.expovariate(1 / 18) * DAY
                    if replied > now:
                        replied = None
                    else:
                        state = "replied"
                        timeline.append(("release_reply", "assigned", "replied", replied))
                        if rng.random() < 0.6 and replied + 3 * DAY <= now:
                            rated = replied + rng.uniform(0.5, 3) * DAY
                            rating = rng.choices(("satisfied", "basically_satisfied", "unsatisfied"), (70, 20, 10))[0]
                            state = "rated" if rating != "unsatisfied" else "reviewing"
                            timeline.append(("rate", "replied", state, rated))
                        if state in ("rated", "replied") and (rated or replied) + 10 * DAY <= now:
                            closed = (rated or replied) + rng.uniform(1, 8) * DAY
                            close_reason = "satisfied" if state == "rated" else "no_rating"
                            timeline.append(("close", state, "closed", closed))
                            state = "closed"
            for action, before, after, at in timeline:
                events += 1
                ev.write(f"{oid}\t{action}\t{before or chr(92) + 'N'}\t{after}\tstaff\t{{}}\tt\t{ts(at)}\n")
            op.row(oid, f"LL-P-{oid:07d}", sid, deputy, "other", "群众反映的问题", "群众反映的问题", "f", "", state, "",
                   close_reason, deadline, 0, rating, "", ts(rated) if rated else None, "", ts(replied) if replied else None,
                   "", "miniprogram", ts(created), ts(timeline[-1][3]), ts(closed) if closed else None, 1)
    count = op.close()
    with conn.cursor() as cur, cur.copy("COPY opinion_events (opinion_id, action, from_state, to_state, actor_role, "
                                         "payload, public, at) FROM STDIN") as copy, ev_path.open() as fh:
        while chunk := fh.read(1 << 20):
            copy.write(chunk)
    ev_path.unlink()
    return count, events
