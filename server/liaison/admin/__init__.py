"""The staff's mobile admin pages (liaison staff, station masters, NPC office, units).

Server-rendered with weui, reached from WeChat through official-account OAuth.
``views.register(app)`` wires the pages, the OAuth flow, CSRF and the page headers.
"""
