"""The Qt-free core, by concern: `document` (bytes to article and exact edits), `validation` (schema and
corpus rules), `index` (the corpus cache), `files` (saving, walking, journal, merge), `bump` and `verify`.

Imports go one way: document <- validation <- index; files and bump use document. Nothing here imports
Qt, the window or the command line.
"""
