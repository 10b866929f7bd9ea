"""Resident web pages (H5): the landing of the plain-URL station and deputy codes, the
summon-and-submit form, "my opinions" with the timeline and rating.

The same operations as the mini-program's API do the work, so the rules and the
Chinese messages are the same. Residents log in with official-account OAuth inside
WeChat; outside WeChat a page explains how to open the link in WeChat.
"""
