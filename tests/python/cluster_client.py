"""The official MLflow client logging through one Tandem instance of a cluster (tests/cluster.test.ts,
tests/e2e/cluster-live.test.ts) while clients of another instance watch: params, then metric points one log_batch at
a time. Usage: cluster_client.py (--run RUN_ID | --experiment EXPERIMENT_ID --name RUN_NAME) --points N
(MLFLOW_TRACKING_URI names the instance); prints one JSON line at the end."""
import argparse
import json
import time

from mlflow import MlflowClient
from mlflow.entities import Metric, Param

parser = argparse.ArgumentParser()
parser.add_argument("--run")
parser.add_argument("--experiment")
parser.add_argument("--name", default="py")
parser.add_argument("--points", type=int, required=True)
args = parser.parse_args()
client = MlflowClient()
run_id = args.run or client.create_run(args.experiment, run_name=args.name).info.run_id
client.log_batch(run_id, params=[Param("optimizer", "adam"), Param("lr", "0.001")], synchronous=True)
now = int(time.time() * 1000)
for step in range(args.points):
    client.log_batch(run_id, metrics=[Metric("py_loss", 1.0 / (1 + step), now + step, step)], synchronous=True)
run = client.get_run(run_id)
print(json.dumps({"run_id": run_id, "params": run.data.params, "metrics": run.data.metrics}))
