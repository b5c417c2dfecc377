"""Bytes to article and back, exactly.

`source` splits the file's bytes (BOM, line endings, front matter, body); `yamltree` turns libyaml's
events into a node tree that knows where every value's text is; `fieldpath` names a field
(`atomic_facts[0].statement`); `values` reads and writes scalars; `article` holds `ArticleDocument`;
`edits` plans every change as one splice in the style its block already uses, and `render` writes the
new text; `errors` are the problems shown to a person (never a traceback).
"""
