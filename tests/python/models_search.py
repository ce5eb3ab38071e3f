# MLflow 3.x logged-model calls with the official client: MlflowClient create/get/finalize/tags/params (more than
# 100), delete then get with allow_deleted, metrics logged against models and datasets, and search_logged_models
# with filters, order_by objects, datasets and pages. Prints its readings as JSON on the last line.
import json
import sys

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.entities import LoggedModelStatus
from mlflow.exceptions import MlflowException

prefix = sys.argv[1]
client = MlflowClient()
exp_id = mlflow.set_experiment(f"{prefix}-search").experiment_id
train = mlflow.data.from_pandas(pd.DataFrame({"x": [1, 2, 3], "y": [0, 1, 0]}), name="train", targets="y")
evalset = mlflow.data.from_pandas(pd.DataFrame({"x": [4, 5], "y": [1, 1]}), name="eval", targets="y")

# Three models a, b, c: acc on eval 0.7 / 0.9 / 0.8, on train the reverse order; lr params 0.1 / 0.01 / 0.1.
specs = [("a", "0.1", 0.7, 0.95), ("b", "0.01", 0.9, 0.85), ("c", "0.1", 0.8, 0.90)]
ids = {}
with mlflow.start_run() as run:
    for name, lr, eval_acc, train_acc in specs:
        m = client.create_logged_model(exp_id, name=name, source_run_id=run.info.run_id, params={"lr": lr}, tags={"team": "ml"}, model_type="clf")
        ids[name] = m.model_id
        mlflow.log_metric("acc", eval_acc, model_id=m.model_id, dataset=evalset)
        mlflow.log_metric("acc", train_acc, model_id=m.model_id, dataset=train)
        client.finalize_logged_model(m.model_id, LoggedModelStatus.READY)
by_id = {v: k for k, v in ids.items()}


def names(models):
    return [by_id.get(m.model_id, m.name) for m in models]


def search(**kw):
    return names(mlflow.search_logged_models(experiment_ids=[exp_id], output_format="list", **kw))


searches = {
    "all_default_order": search(),
    "metric_gt": search(filter_string="metrics.acc > 0.92"),
    "metric_on_eval": search(filter_string="metrics.acc > 0.75", datasets=[{"dataset_name": "eval"}]),
    "metric_on_eval_digest": search(filter_string="metrics.acc >= 0.7", datasets=[{"dataset_name": "eval", "dataset_digest": evalset.digest}]),
    "params": search(filter_string="params.lr = '0.1'"),
    "name": search(filter_string="name = 'b'"),
    "name_and_param": search(filter_string="name != 'a' AND params.lr = '0.1'"),
    "tags": search(filter_string="tags.team = 'ml' AND model_type = 'clf'"),
    "order_eval_desc": search(order_by=[{"field_name": "metrics.acc", "ascending": False, "dataset_name": "eval"}]),
    "order_train_asc": search(order_by=[{"field_name": "metrics.acc", "ascending": True, "dataset_name": "train"}]),
    "order_name_desc": search(order_by=[{"field_name": "name", "ascending": False}]),
    "max_results": search(max_results=2, order_by=[{"field_name": "name"}]),
}
pages = []
token = None
while True:
    page = client.search_logged_models([exp_id], order_by=[{"field_name": "name"}], max_results=2, page_token=token)
    pages.append(names(page))
    token = page.token
    if not token:
        break

# One model through every MlflowClient call.
m = client.create_logged_model(exp_id, name="d")
pending = str(client.get_logged_model(m.model_id).status)
client.set_logged_model_tags(m.model_id, {"stage": "dev", "owner": "ada"})
client.delete_logged_model_tag(m.model_id, "stage")
client.log_model_params(m.model_id, {f"p{i:03d}": str(i) for i in range(150)})
client.finalize_logged_model(m.model_id, LoggedModelStatus.FAILED)
got = client.get_logged_model(m.model_id)
reading = {
    "pending": pending,
    "status": str(got.status),
    "tags": {k: v for k, v in got.tags.items() if not k.startswith("mlflow.")},
    "param_count": len(got.params),
    "p149": got.params.get("p149"),
    "model_type": client.get_logged_model(ids["a"]).model_type,
}
client.delete_logged_model(m.model_id)
errors = {}
try:
    client.get_logged_model(m.model_id)
except MlflowException as e:
    errors["get_deleted"] = e.error_code
deleted = client._tracking_client.store.get_logged_model(m.model_id, allow_deleted=True)
reading["allow_deleted"] = [deleted.model_id == m.model_id, deleted.name]
reading["search_after_delete"] = search(filter_string="name = 'd'")

for label, call in {
    "unknown_id": lambda: client.get_logged_model("m-" + "0" * 32),
    "bad_filter": lambda: search(filter_string="metrics.acc >>> 1"),
    "unknown_experiment": lambda: client.create_logged_model("424242424242424242", name="x"),
    "delete_missing_tag": lambda: client.delete_logged_model_tag(ids["a"], "nope"),
}.items():
    try:
        call()
        errors[label] = None
    except MlflowException as e:
        errors[label] = e.error_code

print(json.dumps({"ids": ids, "run_id": run.info.run_id, "searches": searches, "pages": pages, "model": reading, "errors": errors}))
