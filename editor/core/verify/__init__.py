"""Source verification: whether each source an article cites is still there and still the thing cited."""
