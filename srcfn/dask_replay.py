"""Replay past one machine on Dask (`pip install 'srcfn[dask]'`): each task replays one shard of the file on a
worker of the cluster, as `srcfn replay --shard I/N` would, and returns its tally; the tallies merge into the
summary one machine would print. Dask schedules, retries and places the tasks; srcfn only splits and merges.

    from dask.distributed import Client
    from srcfn.dask_replay import replay_on_dask

    with Client("tcp://scheduler:8786"):       # or Client() for a local cluster
        tally = replay_on_dask("build/yotpo/handler.js", "/shared/day.ndjson", shards=64,
                               plan="build/yotpo/tracking-plan.json")

Every worker must see the handler, the plan and the NDJSON file at the same paths (a shared or network file
system, or the same files copied to each machine); each task reads only its own byte range of the file.
"""
from __future__ import annotations

import json
from pathlib import Path

from .emulator.contracts import TrackingPlan
from .emulator.handler import Handler
from .emulator.replay import Tally, merge
from .emulator.runner import Options
from .replay import replay, tally_from_json, tally_to_json


def replay_on_dask(handler: str | Path, payloads: str | Path, shards: int, plan: str | Path | None = None,
                   options: Options = Options(), scheduler: str | None = None) -> Tally:
    """The merged tally of `shards` dask tasks over `payloads`, one replay worker each (the parallelism is the
    number of shards). `scheduler` goes to dask.compute: None uses the active distributed Client, if any."""
    import dask

    tasks = [dask.delayed(replay_shard, pure=False)(str(handler), str(payloads), (i, shards),
                                                    None if plan is None else str(plan), options)
             for i in range(1, shards + 1)]
    return merge([tally_from_json(t) for t in dask.compute(*tasks, scheduler=scheduler)])


def replay_shard(handler: str, payloads: str, shard: tuple[int, int], plan: str | None, options: Options) -> dict:
    """One dask task: slice I of N of the file, as JSON (what `--summary-json` holds, without the file name). One
    process: dask's worker processes are daemons, which may not start others."""
    tracking_plan = TrackingPlan(json.loads(Path(plan).read_text(encoding="utf-8")), plan) if plan else None
    tally = replay(Handler.read(Path(handler)), Path(payloads), options, tracking_plan, 1, lambda n: None, shard)
    return tally_to_json(tally)
