"""Reviewer mode in the window: the `ReviewPanel` takes the editor area's place (and the corpus list
steps aside, so three panes fit a 1280-pixel screen) until the user goes back. It follows the article
on screen; its writes go through the article's session like every other edit."""

from __future__ import annotations

from PySide6.QtCore import QObject

from editor.ui.review.panel import ReviewPanel


class ReviewMode(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.panel = ReviewPanel(window.settings)
        self.panel.setAccessibleName("Reviewer mode")
        self.active = False
        self._corpus_was_visible = True
        window.editor_stack.addWidget(self.panel)
        action = window.actions.review_mode
        action.setCheckable(True)
        action.toggled.connect(self.set_active)
        self.panel.leave_requested.connect(lambda: action.setChecked(False))
        self.panel.edit_statement_requested.connect(self._edit_statement)
        self.panel.status_message.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self.panel.sources_checked.connect(window.corpus_panel.refresh_path)

    def set_active(self, active: bool) -> None:
        if active == self.active:
            return
        window = self.window
        self.active = active
        side = self._side()
        if active:
            self._corpus_was_visible = side.isVisible() or not window.isVisible()
            side.hide()
            self._attach()
            window.editor_stack.setCurrentWidget(self.panel if window.session is not None else window.welcome)
            self.panel.queue_view.setFocus()
        else:
            if self._corpus_was_visible:
                side.show()
            self.panel.cancel_page()
            window._show_editor_page()
        if window.actions.review_mode.isChecked() != active:
            window.actions.review_mode.setChecked(active)

    def _side(self):
        """What steps aside: the list's column (the list and the corpus problems under it)."""
        return getattr(self.window, "left_splitter", None) or self.window.corpus_panel

    def page(self):
        return self.panel if self.active else None

    def _attach(self) -> None:
        window = self.window
        links = window.source.index.links_path if window.source is not None else None
        self.panel.links_path = links
        key = window.rule_config.review_key if window.rule_config is not None else "review"
        if self.panel.session is not window.session or self.panel.review_key != key:
            self.panel.set_session(window.session, key)

    def article_shown(self, session) -> None:
        """Another article (or none) is on screen: the panel follows it while the mode is on; otherwise
        it lets go of the last one (its network work is stopped)."""
        if self.active:
            self.panel.cancel_page()
            self._attach()
        elif self.panel.session is not None:
            self.panel.stop_jobs()
            self.panel.set_session(None)

    def _edit_statement(self, path: str) -> None:
        self.set_active(False)
        self.window.form.focus_field(path)

    def close(self) -> None:
        self.panel.stop_jobs()
