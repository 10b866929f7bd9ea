"""``flask codes ensure | rotate | revoke | issue | status``."""
from codes_helpers import WANGYUEHU, token_of


def test_rotate_and_revoke_from_the_command_line(app, runner, client, places):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    result = runner.invoke(args=["codes", "rotate", token])
    assert result.exit_code == 0 and "已更换" in result.output
    new = token_of(app, "station", places["station"][WANGYUEHU])
    assert new in result.output
    assert client.get(f"/api/v1/codes/{token}").get_json()["error"]["details"]["token"] == new

    again = runner.invoke(args=["codes", "rotate", token])
    assert again.exit_code == 1 and "只有正在使用的码才能更换" in again.output
    assert runner.invoke(args=["codes", "revoke", "AAAAAAAAAAAAAAAA"]).exit_code == 1

    assert runner.invoke(args=["codes", "revoke", new]).exit_code == 0
    assert client.get(f"/api/v1/codes/{new}").get_json()["error"]["code"] == "code_revoked"
    assert "新发放 0 个码" in runner.invoke(args=["codes", "ensure"]).output
    issued = runner.invoke(args=["codes", "issue", "station", str(places["station"][WANGYUEHU])])
    assert issued.exit_code == 0
    assert client.get(f"/api/v1/codes/{issued.output.split('：')[-1].strip()}").status_code == 200


def test_ensure_gives_codes_to_stations_added_without_the_importer(app, runner, places):
    from liaison.core.db import db
    from liaison.places.models import Station

    with app.app_context():
        station = Station(name="手工添加的联络站", region_id=places["region"]["岳麓区"])
        db.session.add(station)
        db.session.commit()
        station_id = station.id
    assert "新发放 1 个码" in runner.invoke(args=["codes", "ensure"]).output
    assert len(token_of(app, "station", station_id)) == 16


def test_queued_generate_and_status(app, runner, places):
    result = runner.invoke(args=["codes", "generate", "--region", str(places["region"]["岳麓区"])])
    assert result.exit_code == 0 and "已加入队列：批次 #1" in result.output
    status = runner.invoke(args=["codes", "status", "1"])
    assert "排队中 0/0" in status.output
    assert runner.invoke(args=["codes", "generate", "--region", "999"]).exit_code == 1
