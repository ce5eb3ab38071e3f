"""The official MLflow client against a Tandem server with users: logs a run (params, metrics, tags, an artifact),
registers a model and moves an alias, then tries a write it may not make. Credentials come from the environment the
client reads itself (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD). Prints JSON."""
import json
import os
import sys
import tempfile

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

name = sys.argv[1]
out = {}
mlflow.set_experiment(f"auth-{name}")
with mlflow.start_run(run_name=name) as run:
    mlflow.log_param("lr", "0.1")
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.set_tag("via", name)
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "notes.txt")
        with open(p, "w") as f:
            f.write("hello")
        mlflow.log_artifact(p)
client = MlflowClient()
got = client.get_run(run.info.run_id)
out["run_id"] = run.info.run_id
out["user"] = got.info.user_id
out["loss"] = [m.value for m in client.get_metric_history(run.info.run_id, "loss")]
out["artifacts"] = [a.path for a in client.list_artifacts(run.info.run_id)]
out["artifact"] = open(client.download_artifacts(run.info.run_id, "notes.txt", tempfile.mkdtemp())).read()
client.create_registered_model(f"model-{name}")
v = client.create_model_version(f"model-{name}", f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
client.set_registered_model_alias(f"model-{name}", "champion", v.version)
out["alias"] = client.get_model_version_by_alias(f"model-{name}", "champion").version
print(json.dumps(out))
