# Drives MLflow's own artifact repository for `mlflow-artifacts:/<exp>/<run>/artifacts` (the exact HTTP the
# fluent API sends) against a run created through Tandem's native API: log_artifact(s), list, download, delete.
# Usage: artifacts_repo.py <experiment_id> <run_id>. Asserts here; prints one JSON line last.
import hashlib
import json
import os
import sys
import tempfile

from mlflow.store.artifact.mlflow_artifacts_repo import MlflowArtifactsRepository


def main(experiment_id, run_id):
    repo = MlflowArtifactsRepository(f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts")
    src = tempfile.mkdtemp()
    files = {
        "weights.bin": os.urandom(900_000),
        "model/MLmodel": b"flavors:\n  python_function: {}\n",
        "model/sub dir/ünï.txt": "ünïcode name and body ✓\n".encode("utf-8"),
    }
    for rel, content in files.items():
        os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
        with open(os.path.join(src, rel), "wb") as f:
            f.write(content)

    repo.log_artifact(os.path.join(src, "weights.bin"))
    repo.log_artifacts(os.path.join(src, "model"), artifact_path="model")

    root = [(f.path, f.is_dir, f.file_size) for f in repo.list_artifacts()]
    assert root == [("model", True, None), ("weights.bin", False, len(files["weights.bin"]))], root
    model = [(f.path, f.is_dir) for f in repo.list_artifacts("model")]
    assert model == [("model/MLmodel", False), ("model/sub dir", True)], model
    assert repo.list_artifacts("weights.bin") == []

    dst = tempfile.mkdtemp()
    repo.download_artifacts("", dst_path=dst)
    digests = {}
    for rel, content in files.items():
        with open(os.path.join(dst, rel), "rb") as f:
            assert f.read() == content, rel
        digests[rel] = hashlib.sha256(content).hexdigest()

    repo.delete_artifacts("model/sub dir")
    after = [f.path for f in repo.list_artifacts("model")]
    assert after == ["model/MLmodel"], after

    print(json.dumps({"root": [p for p, _, _ in root], "digests": digests, "after_delete": after}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
