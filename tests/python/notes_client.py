# Descriptions through the official MLflow client, for the browser tests of run notes and experiment descriptions.
# Usage: notes_client.py log-note <experiment name> <note>   → {run_id, experiment_id}
#        notes_client.py read-note <run id>                  → {note, searched} (get_run's tag, and search_runs' one)
#        notes_client.py set-experiment-tag <id> <key> <value> → {}
#        notes_client.py read-experiment <id>                → {tags}
# Prints one JSON line last.
import json
import sys

import mlflow
from mlflow import MlflowClient

NOTE = "mlflow.note.content"


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    client = MlflowClient()
    if mode == "log-note":
        mlflow.set_experiment(args[0])
        with mlflow.start_run() as run:
            mlflow.set_tag(NOTE, args[1])
        out = {"run_id": run.info.run_id, "experiment_id": run.info.experiment_id}
    elif mode == "read-note":
        run = client.get_run(args[0])
        found = client.search_runs([run.info.experiment_id], filter_string=f"attributes.run_id = '{args[0]}'")
        out = {"note": run.data.tags.get(NOTE), "searched": found[0].data.tags.get(NOTE) if found else None}
    elif mode == "set-experiment-tag":
        client.set_experiment_tag(args[0], args[1], args[2])
        out = {}
    elif mode == "read-experiment":
        out = {"tags": client.get_experiment(args[0]).tags}
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
