# Crash-test writer (tests/crash-mixed.test.ts): logs metrics, params, tags and batches to one run with the official
# MLflow client, one write at a time, printing each acknowledged write as a JSON line. After a failed write (the
# server was killed) it prints the failure and waits for a line on stdin: "go" once the server is back, "stop" to end.
# Usage: crash_client.py RUN_ID SEED   (MLFLOW_TRACKING_URI names the server; the client must not retry)
import json
import random
import sys
import time

from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag

OPS = ["metric", "metric", "param", "tag", "batch"]


def emit(obj):
    print(json.dumps(obj), flush=True)


def write(client, run_id, op, i):
    """One write of kind `op` with index i; its keys and values are a pure function of (op, i), so the test can check them."""
    ts = int(time.time() * 1000)
    if op == "metric":
        client.log_metric(run_id, "py", i * 0.5, timestamp=ts, step=i)
    elif op == "param":
        client.log_param(run_id, f"py.p{i}", f"v{i}")
    elif op == "tag":
        client.set_tag(run_id, f"py.t{i}", f"t{i}")
    else:
        metrics = [Metric("pyb", i * 0.5 + j, ts, i * 4 + j) for j in range(3)]
        client.log_batch(run_id, metrics=metrics, params=[Param(f"py.bp{i}", f"v{i}")], tags=[RunTag(f"py.bt{i}", f"t{i}")])


def main():
    run_id, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    client = MlflowClient()
    emit({"ready": True})
    i = 0
    while True:
        i += 1
        op = rng.choice(OPS)
        try:
            write(client, run_id, op, i)
            emit({"ack": op, "i": i})
        except Exception as e:  # the server went away mid-write (or answered an error: the test tells which)
            emit({"fail": op, "i": i, "error": str(e)[:300]})
            line = sys.stdin.readline().strip()
            if line != "go":
                break
    emit({"done": i})


if __name__ == "__main__":
    main()
