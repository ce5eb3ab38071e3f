# mlflow.models.evaluate (MLflow 3.x) of a registered models:/ URI on a pandas frame: its metrics land on the
# evaluation run and on the logged model (dataset-scoped), its artifacts on the run, its dataset in the run's inputs.
# Prints its readings as JSON on the last line.
import json
import sys

import mlflow
import mlflow.sklearn
from mlflow import MlflowClient
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression

prefix = sys.argv[1]
client = MlflowClient()
data = load_breast_cancer(as_frame=True)
df = data.frame.rename(columns={"target": "label"})
X = df.drop(columns="label")
model = LogisticRegression(max_iter=5000).fit(X, df["label"])
expected_acc = float((model.predict(X) == df["label"]).mean())
rm = f"{prefix}-cancer"

mlflow.set_experiment(f"{prefix}-eval")
with mlflow.start_run(run_name="train"):
    info = mlflow.sklearn.log_model(model, name="clf", registered_model_name=rm, input_example=X.head(2))

with mlflow.start_run(run_name="eval") as run:
    # models:/<model_id>: the 3.17 client reads no model_id from a model version, so only this form links the model.
    result = mlflow.models.evaluate(model=f"models:/{info.model_id}", data=df, targets="label", model_type="classifier", evaluators=["default"])

run_after = client.get_run(run.info.run_id)
model_after = client.get_logged_model(info.model_id)
searched = mlflow.search_logged_models(
    experiment_ids=[model_after.experiment_id], filter_string=f"metrics.accuracy_score >= {expected_acc - 1e-9}", output_format="list"
)
artifacts = sorted(a.path for a in client.list_artifacts(run.info.run_id))
model_metrics = {}
for m in model_after.metrics or []:
    model_metrics[m.key] = {"value": m.value, "run_id": m.run_id, "dataset": m.dataset_name, "digest": m.dataset_digest}

print(
    json.dumps(
        {
            "expected_accuracy": expected_acc,
            "result_accuracy": result.metrics.get("accuracy_score"),
            "run_metrics": {k: run_after.data.metrics.get(k) for k in ("accuracy_score", "f1_score", "roc_auc", "example_count")},
            "model_metrics": {k: model_metrics.get(k) for k in ("accuracy_score", "f1_score", "example_count")},
            "model_id": info.model_id,
            "eval_run_id": run.info.run_id,
            "searched": [m.model_id for m in searched],
            "artifacts": artifacts,
            "inputs": [
                {"context": {t.key: t.value for t in d.tags}.get("mlflow.data.context"), "digest": d.dataset.digest, "name": d.dataset.name}
                for d in run_after.inputs.dataset_inputs
            ],
            "model_inputs": [m.model_id for m in run_after.inputs.model_inputs or []],
            "registered": client.get_model_version(rm, "1").source,
        }
    )
)
