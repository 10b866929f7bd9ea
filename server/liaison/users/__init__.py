"""Users (WeChat identities), staff roles, API tokens."""
