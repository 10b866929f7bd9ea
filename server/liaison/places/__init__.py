"""Regions, stations, deputies, memberships, handling units and their import."""
