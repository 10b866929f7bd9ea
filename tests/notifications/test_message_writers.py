"""Every message goes through the outbox: no capability writes ``Message`` rows itself."""
from __future__ import annotations

import re
from pathlib import Path

# A Message row made, inserted or updated by hand (the model, its table, or raw SQL).
WRITES = re.compile(r"\bMessage\s*\(|insert\(\s*Message\b|Message\.__table__|(?i:\binto\s+messages\b)")


def test_only_the_notifications_package_writes_message_rows():
    import liaison

    root = Path(liaison.__file__).parent
    writers = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.py")
                     if WRITES.search(path.read_text(encoding="utf-8")))
    assert writers and all(w.startswith("notifications/") for w in writers), writers


def test_the_check_would_see_a_raw_message_row():
    """The pattern is not blind: the way reception used to write its messages matches."""
    assert WRITES.search('db.session.add(Message(user_id=user_id, title="接待日取消通知"))')
    assert not WRITES.search("outbox.emit_direct(user_id, event, title, body)")
