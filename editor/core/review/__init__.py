"""Reviews of atomic facts: the record kept in the article beside each fact (`record`), and how much of
a statement a source's text contains (`terms`). Plain Python, shared by the window, `validate` and the
index."""
