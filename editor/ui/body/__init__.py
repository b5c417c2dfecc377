"""The body editor: Markdown text with highlighting, an outline of headings and a live preview."""
