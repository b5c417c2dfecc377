"""Dialogs: review changes, the unsaved-changes prompt, the batch bump, quick open."""
