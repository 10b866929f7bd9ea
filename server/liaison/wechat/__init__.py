"""WeChat for the backend: the client facade (``client.WeChat``), its error hierarchy
(``errors``), the WeChat-only HTTP session (``transport``) and, under ``fake/``, the
fake WeChat server used by tests and the demo.

Import the pieces from their modules; nothing happens at import time.
"""
