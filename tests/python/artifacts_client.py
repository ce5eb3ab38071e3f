# Logs artifacts through the official MLflow fluent API (log_artifact, log_artifacts, log_dict, log_text), lists
# them with MlflowClient, downloads them with mlflow.artifacts.download_artifacts and compares every byte.
# Asserts here; prints one JSON line last: {run_id, experiment_id, listed, downloaded: {path: sha256}}.
import hashlib
import json
import os
import tempfile

import mlflow
from mlflow import MlflowClient


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    mlflow.set_experiment("py-artifacts")
    src = tempfile.mkdtemp()
    report = os.path.join(src, "report.txt")
    with open(report, "w", encoding="utf-8") as f:
        f.write("accuracy: 0.93\nnaïve ✓\n")
    data = os.path.join(src, "data")
    os.makedirs(os.path.join(data, "nested"))
    originals = {
        "data/table.csv": b"a,b\n1,2\n3,4\n",
        "data/with space.txt": b"spaces in names travel percent-encoded\n",
        "data/nested/deep.bin": os.urandom(200_000),
    }
    for rel, content in originals.items():
        with open(os.path.join(src, rel), "wb") as f:
            f.write(content)
    config = {"lr": 0.001, "layers": [64, 32], "name": "ünïcode"}

    with mlflow.start_run() as run:
        mlflow.log_artifact(report)
        mlflow.log_artifacts(data, artifact_path="data")
        mlflow.log_dict(config, "config.json")
        mlflow.log_text("free-form notes\n", "notes.txt")
    run_id = run.info.run_id
    experiment_id = run.info.experiment_id
    assert run.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts", run.info.artifact_uri

    client = MlflowClient()
    root = client.list_artifacts(run_id)
    listed = [f.path for f in root]
    assert [(f.path, f.is_dir) for f in root] == [
        ("config.json", False),
        ("data", True),
        ("notes.txt", False),
        ("report.txt", False),
    ], [(f.path, f.is_dir, f.file_size) for f in root]
    # MlflowClient.list_artifacts(run_id, <subdir>) also searches logged models named "data" (POST
    # logged-models/search, answered with none), then lists the run's own artifacts.
    sizes = {f.path: f.file_size for f in client.list_artifacts(run_id, "data")}
    data_uri = f"{run.info.artifact_uri}/data"
    assert sizes == {f.path: f.file_size for f in mlflow.artifacts.list_artifacts(artifact_uri=data_uri)}
    assert sizes == {
        "data/nested": None,
        "data/table.csv": len(originals["data/table.csv"]),
        "data/with space.txt": len(originals["data/with space.txt"]),
    }, sizes
    assert mlflow.artifacts.list_artifacts(artifact_uri=f"{run.info.artifact_uri}/report.txt") == []
    assert mlflow.artifacts.list_artifacts(artifact_uri=f"{run.info.artifact_uri}/missing") == []

    # A directory: every file, byte for byte.
    out = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="data", dst_path=tempfile.mkdtemp())
    downloaded = {}
    for rel, content in originals.items():
        local = os.path.join(out, os.path.relpath(rel, "data"))
        with open(local, "rb") as f:
            assert f.read() == content, rel
        downloaded[rel] = sha256_file(local)
    # Single files, including the ones written by log_dict / log_text.
    local_report = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="report.txt", dst_path=tempfile.mkdtemp())
    with open(local_report, "rb") as f, open(report, "rb") as g:
        assert f.read() == g.read()
    downloaded["report.txt"] = sha256_file(local_report)
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/config.json") == config
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes.txt") == "free-form notes\n"
    local_config = client.download_artifacts(run_id, "config.json", tempfile.mkdtemp())
    downloaded["config.json"] = sha256_file(local_config)

    print(json.dumps({"run_id": run_id, "experiment_id": experiment_id, "listed": listed, "downloaded": downloaded}))


if __name__ == "__main__":
    main()
