# Logs and registers an iris classifier (MLflow 3.x) with the alias `champion` for the `mlflow models serve` test,
# and prints the model name, a few input rows and the model's own predictions for them as JSON on the last line.
import json
import sys

import mlflow
import mlflow.sklearn
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

name = sys.argv[1]
X, y = load_iris(return_X_y=True, as_frame=True)
model = LogisticRegression(max_iter=500).fit(X, y)
rows = X.iloc[[0, 60, 120, 149]]

mlflow.set_experiment(f"{name}-serve")
with mlflow.start_run():
    info = mlflow.sklearn.log_model(model, name="clf", signature=infer_signature(X, model.predict(X)), registered_model_name=name)
MlflowClient().set_registered_model_alias(name, "champion", info.registered_model_version)

print(
    json.dumps(
        {
            "uri": f"models:/{name}@champion",
            "columns": list(rows.columns),
            "data": rows.values.tolist(),
            "records": rows.to_dict(orient="records"),
            "expected": model.predict(rows).tolist(),
        }
    )
)
