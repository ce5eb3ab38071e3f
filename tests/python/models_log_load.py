# MLflow 3.x logged models with the official client: mlflow.sklearn.log_model (name, signature, input_example,
# registered_model_name, pip_requirements), loading back through every models:/ and runs:/ form, registering from
# runs:/ and models:/m-… URIs and by model_id, and a dataset input. Prints its readings as JSON on the last line.
import json
import sys

import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

prefix = sys.argv[1]
client = MlflowClient()
iris = load_iris(as_frame=True)
X, y = iris.data, iris.target
model = LogisticRegression(max_iter=500).fit(X, y)
expected = model.predict(X).tolist()
rm = f"{prefix}-iris"

mlflow.set_experiment(f"{prefix}-models")
with mlflow.start_run(run_name="train") as run:
    mlflow.log_params({"C": 1.0, "max_iter": 500})
    mlflow.log_metric("train_acc", float((model.predict(X) == y).mean()))
    mlflow.log_input(mlflow.data.from_pandas(iris.frame, name="iris", targets="target"), context="training")
    info = mlflow.sklearn.log_model(
        model,
        name="clf",
        signature=infer_signature(X, model.predict(X)),
        input_example=X.head(3),
        registered_model_name=rm,
        pip_requirements=["scikit-learn", "pandas"],
    )
run_id = run.info.run_id

logged = client.get_logged_model(info.model_id)
client.set_registered_model_alias(rm, "champion", "1")
client.transition_model_version_stage(rm, "1", "Production")

uris = {
    "runs": f"runs:/{run_id}/clf",
    "model_id": f"models:/{info.model_id}",
    "version": f"models:/{rm}/1",
    "alias": f"models:/{rm}@champion",
    "stage": f"models:/{rm}/Production",
}
loads = {}
for label, uri in uris.items():
    sk = mlflow.sklearn.load_model(uri)
    py = mlflow.pyfunc.load_model(uri)
    loads[label] = {
        "sklearn_equal": sk.predict(X).tolist() == expected,
        "pyfunc_equal": np.asarray(py.predict(X)).tolist() == expected,
        "pyfunc_model_id": py.model_id if hasattr(py, "model_id") else None,
    }

# Registering the same model again: from runs:/, from models:/m-…, and by model_id.
v2 = mlflow.register_model(f"runs:/{run_id}/clf", rm)
v3 = mlflow.register_model(f"models:/{info.model_id}", rm)
v4 = client.create_model_version(rm, source=f"models:/{info.model_id}", run_id=run_id, model_id=info.model_id)
versions = {
    v.version: {"source": v.source, "run_id": v.run_id, "status": v.status}
    for v in (client.get_model_version(rm, str(n)) for n in range(1, 5))
}

run_after = client.get_run(run_id)
model_after = client.get_logged_model(info.model_id)
files = sorted(a.path for a in mlflow.artifacts.list_artifacts(artifact_uri=f"models:/{info.model_id}"))
mlmodel = mlflow.models.Model.load(f"models:/{info.model_id}")
local = mlflow.artifacts.download_artifacts(f"models:/{info.model_id}")
requirements = open(f"{local}/requirements.txt").read().split()
example = mlflow.models.Model.load(uris["alias"]).load_input_example(local)

print(
    json.dumps(
        {
            "model_id": info.model_id,
            "model_uri": info.model_uri,
            "run_id": run_id,
            "registered_version": info.registered_model_version,
            "logged": {
                "name": logged.name,
                "status": str(logged.status),
                "source_run_id": logged.source_run_id,
                "experiment_id": logged.experiment_id,
                "artifact_location": logged.artifact_location,
                "params": logged.params,
                "model_versions_tag": json.loads(model_after.tags.get("mlflow.modelVersions", "[]")),
                "metrics": sorted((m.key, m.value) for m in model_after.metrics or []),
            },
            "loads": loads,
            "versions": versions,
            "new_versions": [v2.version, v3.version, v4.version],
            "files": files,
            "signature": {
                "inputs": [c["name"] for c in json.loads(mlmodel.signature.to_dict()["inputs"])],
                "outputs": [c["type"] for c in json.loads(mlmodel.signature.to_dict()["outputs"])],
            },
            "flavors": sorted(mlmodel.flavors),
            "mlmodel_model_id": mlmodel.model_id,
            "requirements": [r for r in requirements if not r.startswith("mlflow")],
            "example_equal": example.equals(X.head(3)) if isinstance(example, pd.DataFrame) else False,
            "run": {
                "inputs": [
                    {
                        "name": d.dataset.name,
                        "source_type": d.dataset.source_type,
                        "context": {t.key: t.value for t in d.tags}.get("mlflow.data.context"),
                        "profile_rows": json.loads(d.dataset.profile or "{}").get("num_rows"),
                    }
                    for d in run_after.inputs.dataset_inputs
                ],
                "outputs": [o.model_id for o in (run_after.outputs.model_outputs if run_after.outputs else [])],
                "params": run_after.data.params,
            },
        }
    )
)
