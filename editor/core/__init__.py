"""The Qt-free core: documents, field paths, exact edits, schema, validation, index and file I/O."""
