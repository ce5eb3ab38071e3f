"""The fluent MLflow API against Tandem: experiments, nested runs, params, metrics (NaN / inf, steps), tags,
end statuses, metric history, and the errors a user hits. Asserts here; the last line is JSON for the TS test."""
import json
import math
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

EXP = sys.argv[1] if len(sys.argv) > 1 else "fluent-demo"


def expect_error(code, fn, contains=None):
    try:
        fn()
    except MlflowException as e:
        assert e.error_code == code, f"expected {code}, got {e.error_code}: {e.message}"
        if contains:
            assert contains in e.message, f"{contains!r} not in {e.message!r}"
        return e.message
    raise AssertionError(f"expected {code}")


client = MlflowClient()
exp_id = mlflow.set_experiment(EXP).experiment_id
assert mlflow.set_experiment(EXP).experiment_id == exp_id, "set_experiment twice must find the same experiment"

with mlflow.start_run(run_name="parent") as parent:
    parent_id = parent.info.run_id
    mlflow.log_param("lr", 0.01)
    mlflow.log_params({"batch": 32, "optimizer": "adam", "layers": "[64, 64]"})
    mlflow.log_param("lr", 0.01)  # the same value again is fine
    mlflow.set_tag("team", "vision")
    mlflow.set_tags({"stage": "dev", "owner": "ada"})
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_metrics({"acc": 0.5, "nan_metric": float("nan"), "inf_metric": float("inf")}, step=7)
    mlflow.log_metric("neg_inf", float("-inf"))
    with mlflow.start_run(run_name="child", nested=True) as child:
        child_id = child.info.run_id
        mlflow.log_metric("child_metric", 3.5)

    changed = expect_error("INVALID_PARAMETER_VALUE", lambda: mlflow.log_param("lr", 0.02), "Changing param values is not allowed")

try:
    with mlflow.start_run(run_name="crashes") as failed:
        failed_id = failed.info.run_id
        raise ValueError("boom")
except ValueError:
    pass

parent_run = client.get_run(parent_id)
child_run = client.get_run(child_id)
assert parent_run.info.status == "FINISHED", parent_run.info.status
assert parent_run.info.run_name == "parent"
assert parent_run.info.end_time is not None and parent_run.info.end_time >= parent_run.info.start_time
assert parent_run.info.artifact_uri == f"mlflow-artifacts:/{exp_id}/{parent_id}/artifacts", parent_run.info.artifact_uri
assert parent_run.data.params == {"lr": "0.01", "batch": "32", "optimizer": "adam", "layers": "[64, 64]"}, parent_run.data.params
assert parent_run.data.tags["team"] == "vision" and parent_run.data.tags["mlflow.runName"] == "parent"
assert parent_run.data.metrics["loss"] == 0.2
assert math.isnan(parent_run.data.metrics["nan_metric"])
assert parent_run.data.metrics["inf_metric"] == math.inf
assert parent_run.data.metrics["neg_inf"] == -math.inf
assert child_run.data.tags["mlflow.parentRunId"] == parent_id
assert client.get_run(failed_id).info.status == "FAILED"

history = client.get_metric_history(parent_id, "loss")
assert [m.step for m in history] == [0, 1, 2, 3, 4], history
assert [m.value for m in history] == [1.0, 0.5, 1.0 / 3, 0.25, 0.2], history

# An identical re-log (same key, value, timestamp, step) is harmless: the history does not grow.
first = history[0]
client.log_metric(parent_id, "loss", first.value, timestamp=first.timestamp, step=first.step)
client.log_batch(parent_id, metrics=[first])
assert len(client.get_metric_history(parent_id, "loss")) == 5

# Tags can be deleted; the run name follows mlflow.runName.
client.delete_tag(parent_id, "owner")
client.set_tag(parent_id, "mlflow.runName", "parent-renamed")
renamed = client.get_run(parent_id)
assert "owner" not in renamed.data.tags
assert renamed.info.run_name == "parent-renamed"

duplicate = expect_error("RESOURCE_ALREADY_EXISTS", lambda: client.create_experiment(EXP), "already exists")
unknown = expect_error("RESOURCE_DOES_NOT_EXIST", lambda: client.get_run("0" * 32), "not found")
missing_tag = expect_error("RESOURCE_DOES_NOT_EXIST", lambda: client.delete_tag(parent_id, "nope"), "No tag with name: nope")
assert mlflow.get_experiment_by_name("no-such-experiment-here") is None

print(json.dumps({
    "experiment_id": exp_id,
    "parent_id": parent_id,
    "child_id": child_id,
    "failed_id": failed_id,
    "params": renamed.data.params,
    "tags": {k: v for k, v in renamed.data.tags.items() if not k.startswith("mlflow.source")},
    "metrics": {k: (str(v) if not math.isfinite(v) else v) for k, v in renamed.data.metrics.items()},
    "loss_history": [[m.step, m.value] for m in client.get_metric_history(parent_id, "loss")],
    "errors": {"changed_param": changed, "duplicate": duplicate, "unknown_run": unknown, "missing_tag": missing_tag},
}))
