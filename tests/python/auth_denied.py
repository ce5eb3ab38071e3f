"""With a read-scoped token the official client reads but every write is refused with PERMISSION_DENIED; with a bad
token every call is refused with UNAUTHENTICATED. Prints JSON with the error codes it met."""
import json
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

run_id = sys.argv[1]
client = MlflowClient()
out = {}
try:
    out["read_loss"] = [m.value for m in client.get_metric_history(run_id, "loss")]
except MlflowException as e:
    out["read_error"] = e.error_code
try:
    client.log_metric(run_id, "loss", 99.0, step=99)
    out["write"] = "accepted"
except MlflowException as e:
    out["write_error"] = e.error_code
print(json.dumps(out))
