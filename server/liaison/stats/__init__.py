"""The NPC office's numbers: station and region figures, flags, duty records, league tables."""
