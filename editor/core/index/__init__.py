"""The corpus index: a SQLite + FTS5 cache per corpus (`store`), filled by a fast libyaml scanner spread
over processes (`scan`); `text` is how the full-text search stores and shows text."""
