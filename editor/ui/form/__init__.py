"""The article form generated from the schema, its field and list editors, and the problems panel."""

from editor.ui.form.article_form import ArticleForm
from editor.ui.form.problems_panel import ProblemsPanel

__all__ = ["ArticleForm", "ProblemsPanel"]
