"""Safe defaults: production settings never run against the fake or demo WeChat, and
scripts/run listens on this machine only unless HOST says otherwise."""
from __future__ import annotations

import pytest

REAL_WECHAT = {
    "WECHAT_APPID": "wx8f3c2a1b9d7e6f50", "WECHAT_SECRET": "3b9f0c1d2e4a5b6c7d8e9f0a1b2c3d4e",
    "WECHAT_OA_APPID": "wx1a2b3c4d5e6f7a8b", "WECHAT_OA_SECRET": "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
    "WECHAT_API_BASE": "https://api.weixin.qq.com", "WECHAT_OAUTH_BASE": "https://open.weixin.qq.com",
}
DEMO_OR_FAKE = [
    ("WECHAT_APPID", "wxdemominiprogram01"), ("WECHAT_SECRET", "demo-mp-secret"),
    ("WECHAT_OA_APPID", "wxdemoofficial0001"), ("WECHAT_OA_SECRET", "demo-oa-secret"),
    ("WECHAT_API_BASE", "http://127.0.0.1:5001"), ("WECHAT_OAUTH_BASE", "http://localhost:5001"),
    ("WECHAT_API_BASE", "http://[::1]:5001"), ("WECHAT_OAUTH_BASE", "http://0.0.0.0:5001/"),
]


@pytest.fixture
def production(base_config):
    """The suite's database and Redis with production flags and real-looking WeChat values."""
    return {**base_config, **REAL_WECHAT, "TESTING": False, "DEMO_MODE": False}


@pytest.mark.parametrize("name,value", DEMO_OR_FAKE)
def test_production_refuses_to_start_with_a_demo_or_fake_wechat_setting(production, name, value):
    from liaison import create_app
    from liaison.config import ConfigError

    with pytest.raises(ConfigError, match=name) as err:
        create_app({**production, name: value})
    assert "LIAISON_DEMO=1" in str(err.value)  # says how to run the demo instead
    others = set(REAL_WECHAT) - {name}
    assert not any(other in str(err.value) for other in others)  # names only what is wrong


def test_every_problem_is_named_at_once(production):
    from liaison import create_app
    from liaison.config import ConfigError

    with pytest.raises(ConfigError) as err:
        create_app({**production, "WECHAT_SECRET": "demo-mp-secret", "WECHAT_API_BASE": "http://127.0.0.1:5001"})
    assert "WECHAT_SECRET" in str(err.value) and "WECHAT_API_BASE" in str(err.value)


def test_production_with_real_looking_wechat_settings_starts(production):
    from liaison import create_app

    app = create_app(dict(production))
    assert app.config["WECHAT_API_BASE"] == "https://api.weixin.qq.com" and not app.testing


def test_the_demo_and_the_tests_may_use_the_fake(production, fake_wechat):
    from liaison import create_app

    fake = {"WECHAT_APPID": "wxdemominiprogram01", "WECHAT_API_BASE": fake_wechat}
    assert create_app({**production, **fake, "DEMO_MODE": True}).config["DEMO_MODE"] is True
    assert create_app({**production, **fake, "TESTING": True}).testing


def test_scripts_run_listens_on_this_machine_unless_host_says_otherwise():
    from liaison.devserver import bind_address, web_host

    assert bind_address(web_host({}), 5000) == "127.0.0.1:5000"
    assert bind_address(web_host({"HOST": " "}), 5000) == "127.0.0.1:5000"
    assert bind_address(web_host({"HOST": "0.0.0.0"}), 8080) == "0.0.0.0:8080"
    assert bind_address(web_host({"HOST": "::"}), 5000) == "[::]:5000"


def test_public_base_url_is_decided_once_from_port_for_the_server_and_every_command(tmp_path):
    from liaison.config import load_config, public_base_url

    assert public_base_url({}) == "http://127.0.0.1:5000"
    assert public_base_url({"PORT": "5100"}) == "http://127.0.0.1:5100"
    assert public_base_url({"PORT": "5100", "PUBLIC_BASE_URL": "https://lls.example.cn/ "}) == "https://lls.example.cn"
    assert load_config({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})["PUBLIC_BASE_URL"] == public_base_url()
