"""The same MLflow-client workload run against Tandem and against a real MLflow server (bench/mlflow.ts).

Usage: workload.py <step> [args]; MLFLOW_TRACKING_URI selects the server. Prints one JSON line with timings.
Steps: ingest RUNS CALLS | ingest-raw RUNS CALLS | seed RUNS | search EXPERIMENT_ID REPEAT | search-raw EXPERIMENT_ID REPEAT |
history-seed POINTS | history RUN_ID REPEAT | history-raw RUN_ID REPEAT | artifacts MEGABYTES.
The *-raw steps send the same requests over plain HTTP and only json.loads the answers (server + wire).
"""
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import mlflow
from mlflow.entities import Metric, Param, Run, RunTag
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
    """`runs` runs with a param, a tag and a metric each, created with 8 threads (not timed as a figure). More threads
    can exhaust the MLflow server's SQLAlchemy pool (5 + 10 connections) when the machine is busy."""
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
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(make, range(runs)))
    return {"experiment_id": exp, "seconds": time.perf_counter() - start}


SEARCH_FILTER = "metrics.loss < 0.5 and params.optimizer = 'adam'"
SEARCH_ORDER = ["metrics.loss ASC"]


def timings(times, **extra):
    """The median of repeated timings, and the first (cold: nothing cached yet) apart."""
    return {"median_s": statistics.median(times), "first_s": times[0], **extra}


def search(exp, repeat):
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = client.search_runs([exp], filter_string=SEARCH_FILTER, order_by=SEARCH_ORDER, max_results=1000)
        times.append(time.perf_counter() - start)
        count = len(found)
        losses = [r.data.metrics["loss"] for r in found]
        assert losses == sorted(losses) and all(r.data.params["optimizer"] == "adam" for r in found)
    return timings(times, matches=count)


# The raw steps below send the very requests the official client sends for the call before them (built with the
# client's own protobuf messages and JSON encoder) through a plain `requests` session, and parse each answer with
# `json.loads` only: the same client work for both servers, so the ratio is server + wire. The client additionally
# turns every answer into protobuf messages and entities, which dominates its time on large answers.


def client_decode_s(texts, response_type, to_entity, field):
    """What the official client does with answers once received (rest_utils.call_endpoint, then the RestStore):
    json.loads, protobuf parse_dict, entities from protos. Median of 3, no server involved."""
    from mlflow.utils.proto_json_utils import parse_dict

    def decode():
        for text in texts:
            message = response_type()
            parse_dict(js_dict=json.loads(text), message=message)
            [to_entity(x) for x in getattr(message, field)]

    times = []
    for _ in range(3):
        start = time.perf_counter()
        decode()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw_session():
    import requests

    return requests.Session(), os.environ["MLFLOW_TRACKING_URI"].rstrip("/") + "/api/2.0/mlflow/"


def search_raw(exp, repeat):
    from mlflow.entities import ViewType
    from mlflow.protos.service_pb2 import SearchRuns
    from mlflow.utils.proto_json_utils import message_to_json

    session, base = raw_session()
    body = message_to_json(
        SearchRuns(experiment_ids=[exp], filter=SEARCH_FILTER, run_view_type=ViewType.to_proto(ViewType.ACTIVE_ONLY), max_results=1000, order_by=SEARCH_ORDER)
    )
    times, count, size = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        res = session.post(base + "runs/search", data=body, headers={"Content-Type": "application/json"})
        found = json.loads(res.content)["runs"]
        times.append(time.perf_counter() - start)
        assert res.status_code == 200, res.status_code
        count, size = len(found), len(res.content)
        losses = [next(m["value"] for m in r["data"]["metrics"] if m["key"] == "loss") for r in found]
        assert losses == sorted(losses) and all({"key": "optimizer", "value": "adam"} in r["data"]["params"] for r in found)
    decode = client_decode_s([res.text], SearchRuns.Response, Run.from_proto, "runs")
    return timings(times, matches=count, bytes=size, client_decode_s=decode)


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
    return timings(times, points=n)


def history_raw(run_id, repeat):
    """The client's paged GETs (GET_METRIC_HISTORY_MAX_RESULTS points a page, following next_page_token)."""
    from mlflow.protos.service_pb2 import GetMetricHistory
    from mlflow.store.tracking import GET_METRIC_HISTORY_MAX_RESULTS
    from mlflow.utils.proto_json_utils import message_to_json

    session, base = raw_session()
    times, n, size, pages = [], 0, 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        token, n, size, pages, answers = None, 0, 0, 0, []
        while True:
            msg = GetMetricHistory(run_uuid=run_id, run_id=run_id, metric_key="loss", max_results=GET_METRIC_HISTORY_MAX_RESULTS, page_token=token)
            res = session.get(base + "metrics/get-history", params=json.loads(message_to_json(msg)))
            assert res.status_code == 200, res.status_code
            page = json.loads(res.content)
            answers.append(res)
            n, size, pages = n + len(page.get("metrics", [])), size + len(res.content), pages + 1
            token = page.get("next_page_token") or None
            if token is None:
                break
        times.append(time.perf_counter() - start)
    decode = client_decode_s([a.text for a in answers], GetMetricHistory.Response, Metric.from_proto, "metrics")
    return timings(times, points=n, bytes=size, pages=pages, client_decode_s=decode)


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
        "search-raw": lambda: search_raw(args[0], int(args[1])),
        "history-seed": lambda: history_seed(int(args[0])),
        "history": lambda: history(args[0], int(args[1])),
        "history-raw": lambda: history_raw(args[0], int(args[1])),
        "artifacts": lambda: artifacts(int(args[0])),
    }[step]()
    print(json.dumps(result))
