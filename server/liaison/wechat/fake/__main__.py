"""``python -m liaison.wechat.fake --port 5001``: the fake WeChat, standalone."""
from __future__ import annotations

import argparse
import os

from liaison.wechat.fake import create_fake_app, make_server


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="模拟微信接口服务（开发与测试用）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--token-grace", type=float, default=20.0,
                        help="seconds an old /cgi-bin/token token keeps working")
    parser.add_argument("--verify-base", default=None,
                        help="fetch domain verification files from this base URL instead of the "
                             "rule's host, e.g. http://127.0.0.1:5000 (scripts/run's web server)")
    parser.add_argument("--oauth-domain", action="append", default=[], metavar="DOMAIN",
                        help="the official account's 网页授权域名, e.g. liaison.example.gov.cn or, for "
                             "a loopback web server, 127.0.0.1:5000 (at most twice); web OAuth "
                             "redirects only there. None given: every redirect is refused (10003)")
    parser.add_argument("--app-json", default=os.environ.get("FAKE_WECHAT_APP_JSON") or None,
                        help="the mini-program's app.json (pages subscribe messages may open); "
                             "default $FAKE_WECHAT_APP_JSON or the repository's miniprogram/app.json")
    args = parser.parse_args(argv)
    try:
        app = create_fake_app(token_grace=args.token_grace, verify_base=args.verify_base,
                              app_json=args.app_json, oauth_domains=args.oauth_domain)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"模拟微信服务器：http://{args.host}:{args.port}（控制接口 /_fake/...）", flush=True)
    domains = "、".join(next(iter(app.extensions["fake_wechat"].oauth_domains.values()), []))
    print(f"公众号网页授权域名：{domains or '未设置（网页授权一律显示 10003 错误页）'}", flush=True)
    make_server(app, host=args.host, port=args.port).run()  # Ctrl-C: waitress stops its threads


if __name__ == "__main__":
    main()
