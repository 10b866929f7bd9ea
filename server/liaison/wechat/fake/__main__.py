"""``python -m liaison.wechat.fake --port 5001``: the fake WeChat, standalone."""
from __future__ import annotations

import argparse
import os

from werkzeug.serving import run_simple

from liaison.wechat.fake import create_fake_app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="模拟微信接口服务（开发与测试用）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--token-grace", type=float, default=20.0,
                        help="seconds an old /cgi-bin/token token keeps working")
    parser.add_argument("--verify-base", default=None,
                        help="fetch domain verification files from this base URL instead of the "
                             "rule's host, e.g. http://127.0.0.1:5000 (scripts/run's web server)")
    parser.add_argument("--app-json", default=os.environ.get("FAKE_WECHAT_APP_JSON") or None,
                        help="the mini-program's app.json (pages subscribe messages may open); "
                             "default $FAKE_WECHAT_APP_JSON or the repository's miniprogram/app.json")
    args = parser.parse_args(argv)
    app = create_fake_app(token_grace=args.token_grace, verify_base=args.verify_base, app_json=args.app_json)
    print(f"模拟微信服务器：http://{args.host}:{args.port}（控制接口 /_fake/...）", flush=True)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
    main()
