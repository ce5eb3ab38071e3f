"""MlflowClient webhook API against Tandem: create (with a secret), get, list, update, test and delete, plus a
refused URL and a protected stage move answered with a clear error naming the request. Argv: receiver URL, model
name (whose Production stage is protected). Asserts here; the last line is JSON for the TS test."""
import json
import sys

from mlflow import MlflowClient
from mlflow.entities.webhook import WebhookEvent, WebhookStatus
from mlflow.exceptions import MlflowException

URL, MODEL = sys.argv[1], sys.argv[2]
client = MlflowClient()

hook = client.create_webhook(
    name="ci-promotions",
    url=URL,
    events=[WebhookEvent.from_str("model_version.created"), WebhookEvent.from_str("model_version_alias.created")],
    description="tell CI",
    secret="py-secret",
)
assert hook.name == "ci-promotions" and hook.url == URL and hook.status == WebhookStatus.ACTIVE, hook
assert [str(e) for e in hook.events] == ["model_version.created", "model_version_alias.created"], hook.events
assert hook.secret is None, "the secret is never returned"

got = client.get_webhook(hook.webhook_id)
assert got.webhook_id == hook.webhook_id and got.description == "tell CI", got
listed = client.list_webhooks()
assert [w.webhook_id for w in listed] == [hook.webhook_id], listed

updated = client.update_webhook(hook.webhook_id, description="tell CI and chat", status=WebhookStatus.DISABLED)
assert updated.description == "tell CI and chat" and updated.status == WebhookStatus.DISABLED, updated
updated = client.update_webhook(hook.webhook_id, status=WebhookStatus.ACTIVE)
assert updated.status == WebhookStatus.ACTIVE

result = client.test_webhook(hook.webhook_id)
assert result.success and result.response_status == 200, result

try:
    client.create_webhook(name="bad", url="ftp://example.com/x", events=[WebhookEvent.from_str("model_version.created")])
    raise AssertionError("an ftp URL was accepted")
except MlflowException as e:
    scheme_error = e.message

try:
    client.transition_model_version_stage(MODEL, "1", "Production")
    raise AssertionError("a protected move was made")
except MlflowException as e:
    protected_error = e.message

client.delete_webhook(hook.webhook_id)
try:
    client.get_webhook(hook.webhook_id)
    raise AssertionError("a deleted webhook was found")
except MlflowException as e:
    assert e.error_code == "RESOURCE_DOES_NOT_EXIST", e.error_code

print(json.dumps({"id": hook.webhook_id, "scheme_error": scheme_error, "protected_error": protected_error}))
