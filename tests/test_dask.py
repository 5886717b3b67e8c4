"""Scale-out: the `ingest` flow's tasks run on a real two-process Dask cluster (prefect-dask)
and land the same curated dataset as the default thread pool."""
from __future__ import annotations

import pandas as pd
import pytest

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.settings import PREFECT_TASKS_REFRESH_CACHE, temporary_settings

from conftest import ROOT
from flows.ingest import ingest
from normalizers.records import PIPELINE_VERSION

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install -e '.[dask]'")
prefect_dask = pytest.importorskip("prefect_dask")

pytestmark = pytest.mark.usefixtures("prefect_harness")
SAMPLES = ROOT / "raw" / "samples"
TABLES = ("documents", "projects", "corrections")


def table(curated, name: str) -> pd.DataFrame:
    """A curated table's rows in a fixed order (row order within a partition is not the question),
    without pipeline_version: the hash of the code that ran, compared apart below."""
    df = pd.read_parquet(curated / name)
    if df.empty:
        return df
    df = df.astype(str).drop(columns=["pipeline_version"], errors="ignore")
    return df.sort_values(list(df.columns)).reset_index(drop=True)[sorted(df.columns)]


def run(curated, runner=None):
    """The ingest flow over the samples, every document extracted afresh (the content-hash
    cache would otherwise hand the second run the first run's results), and the state names
    of its process-document task runs as the Prefect API recorded them."""
    flow = ingest.with_options(task_runner=runner) if runner else ingest
    with temporary_settings(updates={PREFECT_TASKS_REFRESH_CACHE: True}):
        state = flow([str(SAMPLES)], curated=str(curated), return_state=True)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(
            any_=[state.state_details.flow_run_id])))
    return state.result(), sorted(r.state.name for r in runs if r.name.startswith("process-document"))


def test_ingest_on_a_two_worker_dask_cluster_lands_the_same_dataset_as_the_thread_pool(tmp_path):
    threads, thread_states = run(tmp_path / "threads")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        # by address, as `aidplans run --dask ADDR` does (a cluster object in the runner would be
        # pickled with the flow's context for every task, and a LocalCluster cannot be)
        runner = prefect_dask.DaskTaskRunner(address=cluster.scheduler_address)
        on_dask, dask_states = run(tmp_path / "dask", runner)
        with distributed.Client(cluster) as client:
            workers = client.run(worker_state)
    assert thread_states == dask_states == ["Completed", "Completed"]       # extracted, not cached
    assert len({pid for pid, _, _ in workers.values()}) == 2           # two worker processes, not threads
    assert sum(n for _, _, n in workers.values()) >= 2                 # ... which ran the documents
    # each row carries the version of the code that made it (the workers import it afresh)
    versions = {v for _, v, _ in workers.values()}
    assert set(pd.read_parquet(tmp_path / "threads" / "documents")["pipeline_version"]) == {PIPELINE_VERSION}
    assert set(pd.read_parquet(tmp_path / "dask" / "documents")["pipeline_version"]) <= versions
    assert threads.landed == on_dask.landed == 2 and on_dask.rejected == 0
    assert threads.projects == on_dask.projects > 0
    for name in TABLES:
        pd.testing.assert_frame_equal(table(tmp_path / "threads", name), table(tmp_path / "dask", name),
                                      obj=name)


def worker_state(dask_worker) -> tuple[int, str, int]:
    """A worker's process id, the pipeline version its code computes, and how many tasks it ran."""
    import os

    from normalizers.records import PIPELINE_VERSION as version
    return os.getpid(), version, dask_worker.state.executed_count
