"""The audit log: who changed which role, invitation, station, deputy or membership, and how."""
