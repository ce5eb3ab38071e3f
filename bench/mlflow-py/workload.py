"""The same MLflow-client workload run against Tandem and against a real MLflow server (bench/mlflow.ts).

Usage: workload.py <step> [args]; MLFLOW_TRACKING_URI selects the server. Prints one JSON line with timings.
Steps: ingest RUNS CALLS | ingest-raw RUNS CALLS | seed RUNS | search EXPERIMENT_ID REPEAT | history-seed POINTS | history RUN_ID REPEAT |
artifacts MEGABYTES.
"""
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import mlflow
from mlflow.entities import Metric, Param, RunTag
from mlflow.tracking import MlflowClient

client = MlflowClient()


def experiment(name):
    found = client.get_experiment_by_name(name)
    return found.experiment_id if found else client.create_experiment(name)


def ingest(runs, calls):
    """log-batch with 1,000 metrics per call, `runs` runs in parallel threads."""
    exp = experiment(f"ingest-{time.time_ns()}")
    run_ids = [client.create_run(exp).info.run_id for _ in range(runs)]
    now = int(time.time() * 1000)

    def work(run_id):
        for c in range(calls):
            metrics = [Metric("loss", 1.0 / (1 + c * 1000 + i), now + i, c * 1000 + i) for i in range(1000)]
            client.log_batch(run_id, metrics=metrics, synchronous=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(runs) as pool:
        list(pool.map(work, run_ids))
    elapsed = time.perf_counter() - start
    return {"points_per_s": runs * calls * 1000 / elapsed, "seconds": elapsed}


def ingest_raw(runs, calls):
    """The same log-batch requests, pre-encoded and sent over plain HTTP (no client-side protobuf work): the
    servers' own throughput, which the official client's per-call Python overhead otherwise hides."""
    import http.client
    import urllib.parse

    exp = experiment(f"ingest-raw-{time.time_ns()}")
    run_ids = [client.create_run(exp).info.run_id for _ in range(runs)]
    now = int(time.time() * 1000)
    url = urllib.parse.urlparse(os.environ["MLFLOW_TRACKING_URI"])
    bodies = {
        r: [json.dumps({"run_id": r, "metrics": [{"key": "loss", "value": 1.0 / (1 + c * 1000 + i), "timestamp": now + i, "step": c * 1000 + i} for i in range(1000)]}).encode() for c in range(calls)]
        for r in run_ids
    }

    def work(run_id):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
        for body in bodies[run_id]:
            conn.request("POST", "/api/2.0/mlflow/runs/log-batch", body, {"Content-Type": "application/json"})
            res = conn.getresponse()
            res.read()
            assert res.status == 200, res.status

    start = time.perf_counter()
    with ThreadPoolExecutor(runs) as pool:
        list(pool.map(work, run_ids))
    elapsed = time.perf_counter() - start
    return {"points_per_s": runs * calls * 1000 / elapsed, "seconds": elapsed}


def seed(runs):
    """`runs` runs with a param, a tag and a metric each, created with 16 threads (not timed as a figure)."""
    exp = experiment(f"search-{time.time_ns()}")

    def make(i):
        run = client.create_run(exp, run_name=f"r{i}")
        client.log_batch(
            run.info.run_id,
            metrics=[Metric("loss", (i * 7919 % 1000) / 1000, 0, 0)],
            params=[Param("optimizer", ["adam", "sgd", "rmsprop"][i % 3]), Param("lr", str(10 ** -(i % 5)))],
            tags=[RunTag("team", ["vision", "nlp"][i % 2])],
            synchronous=True,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(make, range(runs)))
    return {"experiment_id": exp, "seconds": time.perf_counter() - start}


def search(exp, repeat):
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = client.search_runs(
            [exp], filter_string="metrics.loss < 0.5 and params.optimizer = 'adam'", order_by=["metrics.loss ASC"], max_results=1000
        )
        times.append(time.perf_counter() - start)
        count = len(found)
        losses = [r.data.metrics["loss"] for r in found]
        assert losses == sorted(losses) and all(r.data.params["optimizer"] == "adam" for r in found)
    return {"median_s": statistics.median(times), "matches": count}


def history_seed(points):
    exp = experiment(f"history-{time.time_ns()}")
    run_id = client.create_run(exp).info.run_id
    now = int(time.time() * 1000)
    for c in range(points // 1000):
        client.log_batch(run_id, metrics=[Metric("loss", 1.0 / (1 + c * 1000 + i), now + c * 1000 + i, c * 1000 + i) for i in range(1000)], synchronous=True)
    return {"run_id": run_id}


def history(run_id, repeat):
    times, n = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        n = len(client.get_metric_history(run_id, "loss"))
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "points": n}


def artifacts(megabytes):
    exp = experiment(f"artifacts-{time.time_ns()}")
    work = tempfile.mkdtemp()
    src = os.path.join(work, "blob.bin")
    with open(src, "wb") as f:
        for _ in range(megabytes):
            f.write(os.urandom(1 << 20))
    with mlflow.start_run(experiment_id=exp) as run:
        start = time.perf_counter()
        mlflow.log_artifact(src)
        up = time.perf_counter() - start
    start = time.perf_counter()
    out = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="blob.bin", dst_path=os.path.join(work, "out"))
    down = time.perf_counter() - start
    assert os.path.getsize(out) == megabytes << 20
    return {"upload_mb_s": megabytes / up, "download_mb_s": megabytes / down}


if __name__ == "__main__":
    step, args = sys.argv[1], sys.argv[2:]
    result = {
        "ingest": lambda: ingest(int(args[0]), int(args[1])),
        "ingest-raw": lambda: ingest_raw(int(args[0]), int(args[1])),
        "seed": lambda: seed(int(args[0])),
        "search": lambda: search(args[0], int(args[1])),
        "history-seed": lambda: history_seed(int(args[0])),
        "history": lambda: history(args[0], int(args[1])),
        "artifacts": lambda: artifacts(int(args[0])),
    }[step]()
    print(json.dumps(result))
