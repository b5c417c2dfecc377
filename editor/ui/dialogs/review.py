"""Review changes: the exact diff that saving will write."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from editor.ui.dialogs.diff_view import DiffView


class ReviewDialog(QDialog):
    """Shows `session.diff()` (the exact bytes: see `editor.core.document.encoding.exact_diff`); Save
    writes it (the caller saves), Close leaves the article as it is. `note` says more (sizes, why
    nothing can be saved)."""

    def __init__(self, title: str, diff: str, can_save: bool = True, parent=None, note: str = ""):
        super().__init__(parent)
        self.setWindowTitle(f"Review changes — {title}")
        self.resize(820, 560)
        label = QLabel("These are the exact lines saving will write:" if diff else "No unsaved changes.")
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.view = DiffView(diff)
        label.setBuddy(self.view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(bool(diff) and can_save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.note)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
