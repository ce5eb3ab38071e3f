"""MlflowClient search against Tandem: runs/search filters (metrics, params, tags, attributes, LIKE, ILIKE, IN),
order_by, paging with page tokens, view types; experiments search, rename, delete / restore; run delete / restore.
Asserts here; the last line is JSON for the TS test."""
import json
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException

PREFIX = sys.argv[1] if len(sys.argv) > 1 else "search"
client = MlflowClient()
exp_id = client.create_experiment(f"{PREFIX}-runs", tags={"project": "tandem"})
other_id = client.create_experiment(f"{PREFIX}-other")

# Six runs: model rf/gbm alternating, lr 0.001..0.006, rmse falling, a status and a tag per run.
runs = []
for i in range(6):
    run = client.create_run(exp_id, run_name=f"run-{i}", start_time=1_700_000_000_000 + i * 1000)
    rid = run.info.run_id
    client.log_batch(
        rid,
        metrics=[Metric("rmse", 1.0 - i * 0.1, 1_700_000_000_000 + i, 0), Metric("rmse", 0.9 - i * 0.1, 1_700_000_000_100 + i, 1)],
        params=[Param("model", "rf" if i % 2 == 0 else "gbm"), Param("lr", f"0.00{i + 1}")],
        tags=[RunTag("group", "Alpha" if i < 3 else "beta")],
    )
    client.set_terminated(rid, status="FINISHED" if i != 5 else "FAILED")
    runs.append(rid)
client.create_run(other_id, run_name="elsewhere")


def names(result):
    return [r.info.run_name for r in result]


def search(filter_string="", **kw):
    return names(client.search_runs([exp_id], filter_string, **kw))


by_start = ["run-5", "run-4", "run-3", "run-2", "run-1", "run-0"]
assert search() == by_start, search()  # default order: start_time DESC
results = {
    "rmse_lt": search("metrics.rmse < 0.55"),
    "model_rf": search("params.model = 'rf'"),
    "rf_and_rmse": search("params.model = 'rf' and metrics.rmse <= 0.7"),
    "tag_like": search("tags.group LIKE 'Al%'"),
    "tag_ilike": search("tags.group ILIKE 'al%'"),
    "lr_like": search("params.lr LIKE '0.00_'", order_by=["params.lr ASC"]),
    "status_failed": search("attributes.status = 'FAILED'"),
    "run_name": search("tags.mlflow.runName = 'run-2'"),
    "run_id_in": search(f"run_id IN ('{runs[1]}', '{runs[4]}')"),
    "order_rmse": search(order_by=["metrics.rmse DESC"]),
    "order_model_lr": search(order_by=["params.model ASC", "params.lr DESC"]),
}
assert results["rmse_lt"] == ["run-5", "run-4"], results["rmse_lt"]
assert results["model_rf"] == ["run-4", "run-2", "run-0"], results["model_rf"]
assert results["rf_and_rmse"] == ["run-4", "run-2"], results["rf_and_rmse"]
assert results["tag_like"] == ["run-2", "run-1", "run-0"], results["tag_like"]
assert results["tag_ilike"] == ["run-2", "run-1", "run-0"], results["tag_ilike"]
assert results["lr_like"] == ["run-0", "run-1", "run-2", "run-3", "run-4", "run-5"], results["lr_like"]
assert results["status_failed"] == ["run-5"]
assert results["run_name"] == ["run-2"]
assert results["run_id_in"] == ["run-4", "run-1"]
assert results["order_rmse"] == ["run-0", "run-1", "run-2", "run-3", "run-4", "run-5"], results["order_rmse"]
assert results["order_model_lr"] == ["run-5", "run-3", "run-1", "run-4", "run-2", "run-0"], results["order_model_lr"]

# Paging: two runs per page until the token runs out.
pages = []
token = None
while True:
    page = client.search_runs([exp_id], "", max_results=2, order_by=["attributes.run_name ASC"], page_token=token)
    pages.append(names(page))
    token = page.token
    if not token:
        break
assert pages == [["run-0", "run-1"], ["run-2", "run-3"], ["run-4", "run-5"]], pages
both = names(client.search_runs([exp_id, other_id], "", max_results=100))
assert sorted(both) == sorted(by_start + ["elsewhere"]), both

try:
    client.search_runs([exp_id], "metrics.rmse < 1 OR params.model = 'rf'")
    raise AssertionError("OR must be rejected")
except MlflowException as e:
    assert e.error_code == "INVALID_PARAMETER_VALUE", e.error_code
    bad_filter = e.message

# Run delete / restore and view types.
client.delete_run(runs[0])
assert "run-0" not in search()
assert search(run_view_type=ViewType.DELETED_ONLY) == ["run-0"]
assert len(search(run_view_type=ViewType.ALL)) == 6
client.restore_run(runs[0])
assert "run-0" in search()

# Metric history of one run, paged by the client in pages of 25,000 (here one page).
rmse_history = [(m.step, m.value) for m in client.get_metric_history(runs[2], "rmse")]
assert rmse_history == [(0, 1.0 - 2 * 0.1), (1, 0.9 - 2 * 0.1)], rmse_history

# Experiments: search, rename, delete (its runs go with it), restore.
found = [e.name for e in client.search_experiments(filter_string=f"name LIKE '{PREFIX}-%'", order_by=["name ASC"])]
assert found == [f"{PREFIX}-other", f"{PREFIX}-runs"], found
tagged = [e.name for e in client.search_experiments(filter_string="tags.project = 'tandem'")]
assert f"{PREFIX}-runs" in tagged
client.rename_experiment(other_id, f"{PREFIX}-renamed")
assert client.get_experiment(other_id).name == f"{PREFIX}-renamed"
client.set_experiment_tag(other_id, "note", "to be deleted")
client.delete_experiment(other_id)
assert client.get_experiment(other_id).lifecycle_stage == "deleted"
deleted = [e.experiment_id for e in client.search_experiments(view_type=ViewType.DELETED_ONLY)]
assert other_id in deleted
active = [e.experiment_id for e in client.search_experiments()]
assert other_id not in active and exp_id in active
assert names(client.search_runs([other_id], "", run_view_type=ViewType.DELETED_ONLY)) == ["elsewhere"]
try:
    mlflow.set_experiment(experiment_id=other_id)
    raise AssertionError("a deleted experiment cannot be set")
except MlflowException:
    pass
client.restore_experiment(other_id)
assert client.get_experiment(other_id).lifecycle_stage == "active"
assert names(client.search_runs([other_id], "")) == ["elsewhere"]
exp_page = client.search_experiments(max_results=1, filter_string=f"name LIKE '{PREFIX}-%'", order_by=["name ASC"])
assert len(exp_page) == 1 and exp_page.token, exp_page

print(json.dumps({
    "experiment_id": exp_id,
    "other_id": other_id,
    "run_ids": runs,
    "results": results,
    "pages": pages,
    "rmse_history": rmse_history,
    "experiments_found": found,
    "renamed": client.get_experiment(other_id).name,
    "other_tags": client.get_experiment(other_id).tags,
    "bad_filter": bad_filter,
}))
