"""`check_references`: one run over the references of one or many articles.

Each distinct target (URL, DOI, arXiv id) is checked once; its references share the result, each with
its own title and year comparison. A remembered result is reused while it is fresh (alive 7 days,
moved and blocked 1 day, or `max_age` days); failures are always asked again. The network part runs
on an asyncio loop of its own in the calling thread, so a worker thread of the window can call this
and stop it with `cancel` (checked every 50 ms, also while waiting for a host's turn); the loop and
the client are closed before the function returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from editor.core.verify.cache import LinkCache
from editor.core.verify.refs import ARXIV, DOI, OTHER, Reference, Target
from editor.core.verify.results import ALIVE, ERROR, SKIPPED, Check, Result, mismatch_of, utc_now
from editor.core.verify.settings import CheckSettings

Progress = Callable[[int, int, Mapping[str, int]], None]  # (references done, total, done per verdict)
CANCEL_POLL = 0.05  # seconds between two looks at the cancel event


def check_references(references: Iterable[Reference], *, timeout: float | None = None,
                     max_age: float | None = None, offline: bool = False, progress: Progress | None = None,
                     cancel: threading.Event | None = None, cache: LinkCache | str | Path | None = None,
                     settings: CheckSettings | None = None) -> list[Result]:
    """Results for `references`, in their order.

    `timeout`: seconds per request (default `settings.timeout`, 20). `max_age`: days a remembered
    alive, moved or blocked result stays good (default 7 / 1 / 1). `offline`: only remembered results,
    of any age; a reference never checked is `skipped`. `progress(done, total, per_verdict)` is called
    in this thread as references finish. `cancel`: when set, the run stops within half a second and
    returns the results finished so far (the others are left out; the finished ones are remembered).
    `cache`: a `LinkCache`, a path to one, or None for the user cache folder. `settings`: politeness
    and registries, by default `CheckSettings.from_env()`. Call it from a thread that runs no asyncio
    loop (the main thread of the command line, a QThread of the window).

    For what is remembered without asking anyone (the window showing a fact's last verdict and its
    age), `offline=True`: each result carries `check.checked_at` and `check.cached`.
    """
    settings = settings or CheckSettings.from_env()
    if timeout is not None:
        settings = settings.replace(timeout=timeout)
    run_cache = cache if isinstance(cache, LinkCache) else LinkCache(cache)
    try:
        run = _Run(list(references), settings, run_cache, max_age, progress)
        run.start(offline)
        if run.pending and not offline and not (cancel is not None and cancel.is_set()):
            run_event_loop(run.check_pending(cancel))
        return run.results()
    finally:
        if run_cache is not cache:
            run_cache.close()


def run_event_loop(coroutine):
    """Run `coroutine` on a new loop and close it. Unlike `asyncio.run` this does not wait for the
    loop's executor threads (a host name lookup can hang for seconds), so a cancelled run ends now."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        try:
            remaining = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in remaining:
                task.cancel()
            if remaining:
                loop.run_until_complete(asyncio.gather(*remaining, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


class Cancelled(Exception):
    """The cancel event was set before the work finished."""


async def cancellable(coroutine, cancel: threading.Event | None):
    """Await `coroutine`, looking at `cancel` every `CANCEL_POLL` seconds; raises Cancelled (after
    cancelling the work) when it is set."""
    task = asyncio.ensure_future(coroutine)
    try:
        while not task.done():
            if cancel is not None and cancel.is_set():
                raise Cancelled
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), CANCEL_POLL)
        return task.result()
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class _Run:
    def __init__(self, references: list[Reference], settings: CheckSettings, cache: LinkCache,
                 max_age: float | None, progress: Progress | None):
        self.references = references
        self.settings = settings
        self.cache = cache
        self.max_age = max_age
        self.progress = progress
        self.by_key: dict[str, list[Reference]] = {}
        self.targets: dict[str, Target] = {}
        for reference in references:
            self.by_key.setdefault(reference.key, []).append(reference)
            self.targets.setdefault(reference.key, reference.target)
        self.checks: dict[str, Check] = {}
        self.previous: dict[str, Check | None] = {}
        self.pending: list[str] = []
        self.counts: Counter[str] = Counter()
        self.done = 0
        self.requests = 0
        # names the resolver said do not exist: broken only once the network is seen to work
        self.unresolved: list[tuple[str, object]] = []

    def registry_of(self, target: Target) -> str | None:
        if target.kind == DOI:
            return self.settings.doi_base
        if target.kind == ARXIV:
            return self.settings.arxiv_api
        return None

    def start(self, offline: bool) -> None:
        """Settle what needs no network: values that are not addresses, and remembered results."""
        now = utc_now()
        for key, target in self.targets.items():
            if target.kind == OTHER:
                self.finish(key, Check(key, OTHER, target.value, SKIPPED, _not_checkable(target.value)), store=False)
                continue
            remembered = self.cache.get(key)
            self.previous[key] = remembered
            if remembered is not None and (offline or (remembered.registry == self.registry_of(target)
                                                       and remembered.reusable(now, self.max_age))):
                self.finish(key, remembered, store=False)
            elif offline:
                self.finish(key, Check(key, target.kind, target.value, SKIPPED,
                                       "not checked: offline, and no result is remembered for it"), store=False)
            else:
                self.pending.append(key)

    def finish(self, key: str, check: Check, *, store: bool = True) -> None:
        references = self.by_key[key]
        if store:
            check.mismatch = mismatch_of(references[0], check.metadata) if check.verdict == ALIVE else []
            self.cache.put(check)
        self.checks[key] = check
        self.done += len(references)
        self.counts[check.verdict] += len(references)
        if self.progress is not None:
            self.progress(self.done, len(self.references), dict(self.counts))

    def finish_outcome(self, key: str, outcome, *, network_works: bool = False) -> None:
        if getattr(outcome, "unresolved", False) and not network_works:
            self.unresolved.append((key, outcome))
            return
        target = self.targets[key]
        check = Check(key, target.kind, target.value, outcome.verdict, outcome.detail, outcome.status,
                      outcome.final_url, outcome.redirects, outcome.metadata, registry=self.registry_of(target))
        self.finish(key, check.with_history(self.previous.get(key)))

    def results(self) -> list[Result]:
        results = []
        for reference in self.references:
            check = self.checks.get(reference.key)
            if check is None:
                continue  # cancelled before its check finished
            mismatch = mismatch_of(reference, check.metadata) if check.verdict == ALIVE else []
            results.append(Result(reference, check, mismatch))
        return results

    # -- the network part ----------------------------------------------------------------------------
    async def check_pending(self, cancel: threading.Event | None) -> None:
        from editor.core.verify.http import Fetcher  # httpx is imported only when something is fetched

        async with Fetcher(self.settings) as fetcher:
            arxiv_ids = [self.targets[k].value for k in self.pending if self.targets[k].kind == ARXIV]
            tasks = [asyncio.create_task(self._check_one(fetcher, key))
                     for key in self.pending if self.targets[key].kind != ARXIV]
            if arxiv_ids:
                tasks.append(asyncio.create_task(self._check_arxiv(fetcher, arxiv_ids)))
            waiting = set(tasks)
            finished = asyncio.Event()

            def settled(task: asyncio.Task) -> None:
                waiting.discard(task)
                if not waiting:
                    finished.set()

            for task in tasks:
                task.add_done_callback(settled)
            try:
                while waiting and not (cancel is not None and cancel.is_set()):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(finished.wait(), CANCEL_POLL)
            finally:
                for task in list(waiting):
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await self._settle_unresolved(fetcher)
                self.requests = fetcher.requests

    async def _settle_unresolved(self, fetcher) -> None:
        """A name that does not resolve is a dead link only where the resolver works: on a machine with no
        network every name fails, and calling every source broken would be false. The run proves it
        works when a named host answered; else one look-up of the registry's host decides."""
        from editor.core.verify.http import host_of, is_named_host, name_resolves

        if not self.unresolved:
            return
        works = fetcher.named_answers > 0
        if not works:
            registries = (host_of(self.settings.doi_base), host_of(self.settings.arxiv_api))
            probes = [h for h in registries if is_named_host(h)]
            works = not probes or await name_resolves(probes[0])
        held, self.unresolved = self.unresolved, []
        for key, outcome in held:
            if not works:
                outcome = dataclasses.replace(
                    outcome, verdict=ERROR, unresolved=False,
                    detail=f"{outcome.detail}; no other name resolved either, so the network may be down: "
                           "not counted as broken")
            self.finish_outcome(key, outcome, network_works=True)

    async def _check_one(self, fetcher, key: str) -> None:
        from editor.core.verify.doi import check_doi

        target = self.targets[key]
        try:
            if target.kind == DOI:
                outcome = await check_doi(fetcher, target.value)
            else:
                outcome = await fetcher.check_page(target.value)
        except Exception as exc:  # one odd answer must not stop the run
            outcome = _internal_error(exc)
        self.finish_outcome(key, outcome)

    async def _check_arxiv(self, fetcher, ids: list[str]) -> None:
        from editor.core.verify.arxiv import check_arxiv_ids

        def done(arxiv_id: str, outcome) -> None:
            self.finish_outcome(Target(ARXIV, arxiv_id).key, outcome)

        try:
            await check_arxiv_ids(fetcher, ids, done)
        except Exception as exc:
            for arxiv_id in ids:
                key = Target(ARXIV, arxiv_id).key
                if key not in self.checks:
                    self.finish_outcome(key, _internal_error(exc))


def _internal_error(exc: Exception):
    from editor.core.verify.http import Outcome

    return Outcome(ERROR, f"internal error while checking: {type(exc).__name__}: {exc}")


def _not_checkable(value: str) -> str:
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme and scheme.isascii() and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        return f"a {scheme}: address: only http(s) URLs, DOIs and arXiv ids are checked"
    return "not a web address: only http(s) URLs, DOIs and arXiv ids are checked"
