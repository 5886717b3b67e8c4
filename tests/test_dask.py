"""Scale-out: the `ingest` flow's tasks run on a real two-process Dask cluster (prefect-dask)
and land the same curated dataset as the default thread pool."""
from __future__ import annotations

import pandas as pd
import pytest

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


def test_ingest_on_a_two_worker_dask_cluster_lands_the_same_dataset_as_the_thread_pool(tmp_path):
    threads = ingest([str(SAMPLES)], curated=str(tmp_path / "threads"))
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        # by address, as `aidplans run --dask ADDR` does (a cluster object in the runner would be
        # pickled with the flow's context for every task, and a LocalCluster cannot be)
        runner = prefect_dask.DaskTaskRunner(address=cluster.scheduler_address)
        on_dask = ingest.with_options(task_runner=runner)([str(SAMPLES)], curated=str(tmp_path / "dask"))
        with distributed.Client(cluster) as client:
            workers = client.run(worker_state)
    assert len({pid for pid, _ in workers.values()}) == 2          # two worker processes, not threads
    # each row carries the version of the code that made it (the workers import it afresh)
    assert set(pd.read_parquet(tmp_path / "threads" / "documents")["pipeline_version"]) == {PIPELINE_VERSION}
    assert set(pd.read_parquet(tmp_path / "dask" / "documents")["pipeline_version"]) <= {v for _, v in workers.values()}
    assert threads.landed == on_dask.landed == 2 and on_dask.rejected == 0
    assert threads.projects == on_dask.projects > 0
    for name in TABLES:
        pd.testing.assert_frame_equal(table(tmp_path / "threads", name), table(tmp_path / "dask", name),
                                      obj=name)


def worker_state() -> tuple[int, str]:
    """A worker's process id and the pipeline version its code computes."""
    import os

    from normalizers.records import PIPELINE_VERSION as version
    return os.getpid(), version
