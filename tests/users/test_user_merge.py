"""Merging two users found to be one person (users/identity.py), on a real database:
every reference moves, duplicates fold into one, impossible merges change nothing."""
from __future__ import annotations

import sys
from pathlib import Path

import factories
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))

from page_helpers import submit_opinion  # noqa: E402


@pytest.fixture
def world(app, demo):
    """The demo station and two users of one person: a mini-program one and a web one."""
    from liaison.core.db import db

    with app.app_context():
        mp_user = factories.user(db.session, "mp-he", "微信用户")
        web_user = factories.user(db.session, None, "何师傅", oa_openid="oa-he", avatar_url="https://example.com/a.png")
        db.session.commit()
        return {"station": factories.demo_ids(db.session)["station_id"], "mp": mp_user.id, "web": web_user.id}


def references_to(app, user_id: int) -> dict:
    """Rows that still name ``user_id`` in any column with a foreign key to users.id, read
    from the database itself (not from the models the merge walks)."""
    from liaison.core.db import db

    found = {}
    with app.app_context():
        inspector = inspect(db.engine)
        for table in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(table):
                if fk["referred_table"] != "users":
                    continue
                (column,) = fk["constrained_columns"]
                count = db.session.execute(
                    text(f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" = :u'), {"u": user_id}).scalar()
                if count:
                    found[f"{table}.{column}"] = count
    return found


def merge(app, survivor_id: int, loser_id: int, reason: str = "unionid"):
    from liaison.core.db import db
    from liaison.users.identity import merge_users
    from liaison.users.models import User

    with app.app_context():
        merge_users(db.session.get(User, survivor_id), db.session.get(User, loser_id), reason=reason)
        db.session.commit()


def test_merge_moves_every_reference_and_folds_duplicates(app, client, world):
    from liaison.core.auth import issue_token
    from liaison.core.db import db
    from liaison.places.scopes import scope_of
    from liaison.opinions.models import Opinion
    from liaison.reception.models import StationFollow
    from liaison.users import roles
    from liaison.users.models import User

    with app.app_context():
        web, mp = db.session.get(User, world["web"]), db.session.get(User, world["mp"])
        for user in (web, mp):  # both hold the same role and follow the same station
            roles.grant_role(user, "station_master", actor=user, station_id=world["station"])
            db.session.add(StationFollow(user_id=user.id, station_id=world["station"]))
        db.session.commit()
        roles.create_invitation(web, scope_of(web), "liaison", station_id=world["station"])
        token = issue_token(web)
    opinion_id = submit_opinion(client, {"Authorization": f"Bearer {token}"}, world["station"],
                                "楼道里的灯坏了很久，老人晚上上下楼很不方便，希望尽快修好。")["id"]
    assert set(references_to(app, world["web"])) >= {"staff_roles.user_id", "station_follows.user_id",
                                                     "opinions.submitter_id", "invitations.created_by_id",
                                                     "audit_log.actor_id"}

    merge(app, world["mp"], world["web"])

    assert references_to(app, world["web"]) == {}
    with app.app_context():
        survivor = db.session.get(User, world["mp"])
        assert [(x.role, x.station_id) for x in survivor.roles] == [("station_master", world["station"])]
        assert db.session.query(StationFollow).filter_by(user_id=survivor.id).count() == 1
        assert (survivor.mp_openid, survivor.oa_openid) == ("mp-he", "oa-he")
        assert (survivor.nickname, survivor.avatar_url) == ("何师傅", "https://example.com/a.png")
        assert db.session.get(Opinion, opinion_id).submitter_id == survivor.id
        gone = db.session.get(User, world["web"])
        assert (gone.merged_into_id, gone.oa_openid, gone.mp_openid, gone.unionid) == (survivor.id, None, None, None)


def test_merged_away_user_loses_its_tokens_and_a_block_carries_over(app, world):
    from liaison.core.auth import issue_token, user_from_token
    from liaison.core.db import db
    from liaison.core.errors import ApiError
    from liaison.users.models import User

    with app.app_context():
        web = db.session.get(User, world["web"])
        token = issue_token(web)
        web.blocked, web.blocked_reason = True, "冒用他人身份"
        db.session.commit()
    merge(app, world["mp"], world["web"])
    with app.app_context():
        with pytest.raises(ApiError) as caught:
            user_from_token(token)
        assert caught.value.status == 401
        survivor = db.session.get(User, world["mp"])
        assert survivor.blocked and survivor.blocked_reason == "冒用他人身份"


@pytest.mark.parametrize("conflict", ["two unionids", "two mini-program openids", "two deputies"])
def test_impossible_merge_is_a_409_and_changes_nothing(app, world, conflict):
    from liaison.core.db import db
    from liaison.places.models import Deputy
    from liaison.users.identity import MergeRefused, merge_users
    from liaison.users.models import User

    with app.app_context():
        mp, web = db.session.get(User, world["mp"]), db.session.get(User, world["web"])
        if conflict == "two unionids":
            mp.unionid, web.unionid = "u-one", "u-two"
        elif conflict == "two mini-program openids":
            web.mp_openid = "mp-other"
        else:
            first, second = db.session.query(Deputy).filter(Deputy.user_id.is_(None)).limit(2).all()
            first.user_id, second.user_id = mp.id, web.id
        db.session.commit()
    before = references_to(app, world["web"])
    with app.app_context():
        with pytest.raises(MergeRefused) as caught:
            merge_users(db.session.get(User, world["mp"]), db.session.get(User, world["web"]), reason="test")
        db.session.rollback()
        assert (caught.value.status, caught.value.code) == (409, "account_merge_conflict")
        assert "联系联络站工作人员" in caught.value.message
        assert db.session.get(User, world["web"]).merged_into_id is None
    assert references_to(app, world["web"]) == before


def test_a_login_that_collides_twice_with_a_concurrent_one_is_a_409_not_a_500(app):
    from liaison.core.transaction import Conflict, retry_on_race
    from liaison.users.operations import LOGIN_CONFLICT

    attempts = []

    def write():
        attempts.append(1)
        raise IntegrityError("INSERT INTO users", {}, Exception("duplicate key value: uq_users_mp_openid"))

    with app.app_context():
        with pytest.raises(Conflict) as caught:
            retry_on_race(write, LOGIN_CONFLICT, "login_conflict")
    assert (caught.value.status, caught.value.code, len(attempts)) == (409, "login_conflict", 2)


@pytest.mark.parametrize("channel", ["mp_openid", "oa_openid"])
def test_a_concurrent_first_login_of_the_same_person_ends_as_one_user(app, channel):
    """Another process commits the same person between our lookup and our commit: the
    unique openid/unionid refuses ours, the login runs once more and finds theirs."""
    from sqlalchemy import insert

    from liaison.core.db import db
    from liaison.users.identity import resolve_login
    from liaison.users.models import User
    from liaison.core.transaction import retry_on_race

    other_channel = "oa_openid" if channel == "mp_openid" else "mp_openid"
    attempts = []

    def write():
        user = resolve_login(**{channel: "x-race"}, unionid="u-race")
        if not attempts:  # the other process: the same person through the other channel
            with db.engine.begin() as conn:
                conn.execute(insert(User.__table__).values(
                    {other_channel: "other-race", "unionid": "u-race",
                     "nickname": "微信用户", "token_version": 1, "session_version": 1, "blocked": False,
                     "blocked_reason": "", "avatar_url": "", "phone": "", "created_at": db.func.now()}))
        attempts.append(user)
        db.session.flush()
        return user

    with app.app_context():
        user = retry_on_race(write)
        assert len(attempts) == 2
        assert db.session.query(User).count() == 1
        assert (getattr(user, channel), getattr(user, other_channel), user.unionid) == (
            "x-race", "other-race", "u-race")
