"""`corpus-editor new --title T [--category C] [--id ID] [--language L] CORPUS`: start an article.

Prints the new file's path. The id follows the corpus (the next `kb-YYYY-NNNNN` number, or a slug of
the title made unique), the file goes to `CATEGORY/NAME.md`, and the front matter comes from the
corpus's `.corpus-template.md` or, without one, from its schema (see `editor.core.new_article`).
Exit status: 0 when the file was written, 1 when it was refused (a title whose file exists, a taken or
bad id, a broken template or schema: nothing is written), 2 for a bad argument.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from editor.core.document.errors import CorpusEditorError


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("corpus", metavar="CORPUS", help="the corpus folder (or a folder inside it)")
    parser.add_argument("--title", required=True, help="the article's title")
    parser.add_argument("--category", default="", help="its category, and the folder it goes to")
    parser.add_argument("--id", dest="article_id", metavar="ID",
                        help="its id (default: the next one in the corpus's style)")
    parser.add_argument("--language", help="its language code (default: the corpus's most common one)")


def run(args: argparse.Namespace) -> int:
    from editor.core.files.save import create_new
    from editor.core.index.store import CorpusIndex
    from editor.core.new_article import learn_style, plan_new_article
    from editor.core.validation.schema import corpus_folder, load_schema

    given = Path(args.corpus)
    if not given.is_dir():
        print(f"corpus-editor new: error: {args.corpus}: not a folder", file=sys.stderr)
        return 2
    root = corpus_folder(given).resolve()
    try:
        schema = load_schema(root)
        with CorpusIndex(root) as index:
            index.refresh(full_text=False)  # the ids in use (a warm index only looks at the files' stats)
            style = learn_style(root, index.rows())
            plan = plan_new_article(root, args.title, style, schema, category=args.category,
                                    article_id=args.article_id, language=args.language)
            create_new(plan.path, plan.data)
            index.file_changed(plan.path)
    except FileExistsError as exc:
        print(f"corpus-editor new: error: {exc.filename}: already exists (nothing was written)", file=sys.stderr)
        return 1
    except (CorpusEditorError, OSError) as exc:
        print(f"corpus-editor new: error: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return 1
    if plan.note:
        print(f"corpus-editor new: {plan.note}", file=sys.stderr)
    print(os.path.join(args.corpus, plan.rel) if given.resolve() == root else str(plan.path))
    return 0
