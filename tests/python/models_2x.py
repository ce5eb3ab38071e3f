# MLflow 2.x models with the official 2.15.0 client: mlflow.sklearn.log_model(artifact_path=, registered_model_name=)
# stores the model among the run's artifacts and records it in the run's mlflow.log-model.history tag; it loads back
# from runs:/ and models:/<name>/1. Prints its readings as JSON on the last line.
import json
import sys

import mlflow
import mlflow.sklearn
import numpy as np
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

prefix = sys.argv[1]
client = MlflowClient()
X, y = load_iris(return_X_y=True, as_frame=True)
model = LogisticRegression(max_iter=500).fit(X, y)
expected = model.predict(X).tolist()
rm = f"{prefix}-iris2"

mlflow.set_experiment(f"{prefix}-models2")
with mlflow.start_run() as run:
    mlflow.log_param("C", 1.0)
    info = mlflow.sklearn.log_model(model, artifact_path="model", registered_model_name=rm, input_example=X.head(2))
run_id = run.info.run_id

tags = client.get_run(run_id).data.tags
history = json.loads(tags.get("mlflow.log-model.history", "[]"))
loads = {}
for label, uri in {"runs": f"runs:/{run_id}/model", "version": f"models:/{rm}/1"}.items():
    loads[label] = {
        "sklearn_equal": mlflow.sklearn.load_model(uri).predict(X).tolist() == expected,
        "pyfunc_equal": np.asarray(mlflow.pyfunc.load_model(uri).predict(X)).tolist() == expected,
    }
version = client.get_model_version(rm, "1")

print(
    json.dumps(
        {
            "mlflow_version": mlflow.__version__,
            "run_id": run_id,
            "model_uri": info.model_uri,
            "artifacts": sorted(a.path for a in client.list_artifacts(run_id, "model")),
            "history": [
                {
                    "run_id": h.get("run_id"),
                    "artifact_path": h.get("artifact_path"),
                    "flavors": sorted(h.get("flavors", {})),
                    "has_time": bool(h.get("utc_time_created")),
                }
                for h in history
            ],
            "loads": loads,
            "version": {"source": version.source, "run_id": version.run_id, "status": version.status},
        }
    )
)
