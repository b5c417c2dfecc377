"""Reviewer mode: an article's facts as a queue, each beside the source it cites (its last check, its
text with the statement's key terms marked), with verdicts recorded in the article (`panel`). Work
that waits on the network runs in `jobs`; the queue is `queue`, the source's text `source_text`."""
