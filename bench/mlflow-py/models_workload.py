"""MLflow Models workload run against Tandem and against a real MLflow server (bench/models.ts).

Usage: models_workload.py <step> [args]; MLFLOW_TRACKING_URI selects the server. Prints one JSON line.
Steps: roundtrip MEGABYTES | seed-models COUNT | search-models EXPERIMENT_ID REPEAT.
search-models sends logged-models/search over plain HTTP and only json.loads the answer (server + wire).
"""
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import mlflow
import requests
from mlflow.tracking import MlflowClient

client = MlflowClient()
BASE = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")


class Blob(mlflow.pyfunc.PythonModel):
    """A model whose weights are one artifact file; predicts the file's size for every input row."""

    def load_context(self, context):
        self.size = os.path.getsize(context.artifacts["weights"])

    def predict(self, context, model_input, params=None):
        return [self.size] * len(model_input)


def roundtrip(megabytes):
    """log_model of a pyfunc model with a MEGABYTES-sized weights file, then load_model from models:/<id>."""
    import pandas as pd

    mlflow.set_experiment(f"models-roundtrip-{time.time_ns()}")
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "weights.bin")
        with open(weights, "wb") as f:
            for _ in range(megabytes):
                f.write(os.urandom(1024 * 1024))
        with mlflow.start_run():
            start = time.perf_counter()
            info = mlflow.pyfunc.log_model(name="blob", python_model=Blob(), artifacts={"weights": weights}, pip_requirements=[])
            log_s = time.perf_counter() - start
        os.mkdir(os.path.join(tmp, "loaded"))
        start = time.perf_counter()
        loaded = mlflow.pyfunc.load_model(f"models:/{info.model_id}", dst_path=os.path.join(tmp, "loaded"))
        load_s = time.perf_counter() - start
        predicted = loaded.predict(pd.DataFrame({"x": [1, 2]}))
        assert list(predicted) == [megabytes * 1024 * 1024] * 2, predicted
    return {"log_s": log_s, "load_s": load_s}


def seed_models(count):
    """`count` logged models in one experiment, each with a param and an `acc` metric (8 threads, not timed)."""
    exp = client.create_experiment(f"models-search-{time.time_ns()}")
    run_id = client.create_run(exp).info.run_id
    session = requests.Session()
    rng = random.Random(7)
    accs = [rng.random() for _ in range(count)]

    def make(i):
        r = session.post(f"{BASE}/api/2.0/mlflow/logged-models", json={"experiment_id": exp, "name": f"model-{i}", "source_run_id": run_id, "params": [{"key": "depth", "value": str(i % 10)}]})
        r.raise_for_status()
        model_id = r.json()["model"]["info"]["model_id"]
        m = {"run_id": run_id, "key": "acc", "value": accs[i], "timestamp": 1_700_000_000_000 + i, "step": 0, "model_id": model_id}
        session.post(f"{BASE}/api/2.0/mlflow/runs/log-metric", json=m).raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(make, range(count)))
    return {"experiment_id": exp, "above_half": sum(1 for a in accs if a > 0.5)}


def search_models(exp, repeat):
    """logged-models/search, metric filter + metric order, first page of 100, `repeat` times."""
    body = json.dumps({"experiment_ids": [exp], "filter": "metrics.acc > 0.5", "order_by": [{"field_name": "metrics.acc", "ascending": False}], "max_results": 100})
    session = requests.Session()
    times = []
    page = None
    for _ in range(repeat):
        start = time.perf_counter()
        r = session.post(f"{BASE}/api/2.0/mlflow/logged-models/search", data=body, headers={"Content-Type": "application/json"})
        page = json.loads(r.content)
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, r.text[:500]
    accs = [next(m["value"] for m in x["data"]["metrics"] if m["key"] == "acc") for x in page["models"]]
    assert accs == sorted(accs, reverse=True) and all(a > 0.5 for a in accs), accs[:5]
    return {"median_s": statistics.median(times), "first_s": times[0], "models": len(page["models"]), "top": accs[0]}


if __name__ == "__main__":
    step, args = sys.argv[1], sys.argv[2:]
    if step == "roundtrip":
        out = roundtrip(int(args[0]))
    elif step == "seed-models":
        out = seed_models(int(args[0]))
    elif step == "search-models":
        out = search_models(args[0], int(args[1]))
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps(out))
