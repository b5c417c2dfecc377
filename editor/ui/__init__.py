"""The Qt face of the product. Everything here builds on editor.core; nothing in the core points back."""
