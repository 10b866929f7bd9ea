"""Shared core: database and Redis handles, the JSON error shape, auth, storage."""
