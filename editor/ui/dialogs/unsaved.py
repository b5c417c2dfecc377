"""The unsaved-changes prompts: one article (Save, Discard, Cancel), or every article with unsaved
edits at once (Save All, Discard All, Cancel), listing them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_unsaved(parent: QWidget | None, name: str) -> str:
    """'save', 'discard' or 'cancel'."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to {name}?")
    box.setInformativeText("Your changes will be lost if you don't save them.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def ask_unsaved_all(parent: QWidget | None, names: list[str]) -> str:
    """'save' (all), 'discard' (all) or 'cancel', asked once for every article in `names`."""
    if len(names) == 1:
        return ask_unsaved(parent, names[0])
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to these {len(names)} articles?")
    box.setInformativeText("\n".join(f"• {name}" for name in names) +
                           "\n\nTheir changes will be lost if you don't save them.")
    save = box.addButton("Save All", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard All", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return "save"
    if clicked is discard:
        return "discard"
    return "cancel"
