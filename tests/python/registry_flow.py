"""MlflowClient model registry flow against Tandem: registered models and versions (runs:/ and s3:// sources),
stage transitions with archive_existing_versions, aliases, get_latest_versions, tags, descriptions, download URIs,
rename and delete (version numbers are not reused). Asserts here; the last line is JSON for the TS test."""
import json
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

NAME = sys.argv[1] if len(sys.argv) > 1 else "fraud-detector"
client = MlflowClient()

run_id = client.create_run("0", run_name="train").info.run_id

rm = client.create_registered_model(NAME, tags={"team": "risk"}, description="first cut")
assert rm.name == NAME and rm.tags == {"team": "risk"} and rm.description == "first cut", rm

v1 = client.create_model_version(NAME, f"runs:/{run_id}/model", run_id=run_id, tags={"framework": "sklearn"}, description="baseline")
v2 = client.create_model_version(NAME, "s3://models/fraud/2")
v3 = client.create_model_version(NAME, "s3://models/fraud/3")
assert [v1.version, v2.version, v3.version] == ["1", "2", "3"], (v1, v2, v3)
assert {v.status for v in (v1, v2, v3)} == {"READY"}
assert v1.run_id == run_id and v1.source == f"runs:/{run_id}/model" and v1.tags == {"framework": "sklearn"}
assert v2.run_id is None and v2.current_stage == "None"

# Stages: 1 -> Production, then 2 -> Production archiving 1; 3 -> Staging.
client.transition_model_version_stage(NAME, "1", "Production")
moved = client.transition_model_version_stage(NAME, "2", "production", archive_existing_versions=True)
assert moved.current_stage == "Production", moved
archived = client.get_model_version(NAME, "1")
assert archived.current_stage == "Archived", archived
client.transition_model_version_stage(NAME, "3", "Staging")
latest = {v.current_stage: v.version for v in client.get_latest_versions(NAME, stages=["Production", "Staging"])}
latest_all = {v.current_stage: v.version for v in client.get_latest_versions(NAME)}

# Aliases: champion 2 -> 3, challenger set then deleted.
client.set_registered_model_alias(NAME, "champion", "2")
assert client.get_model_version_by_alias(NAME, "champion").version == "2"
client.set_registered_model_alias(NAME, "champion", "3")
client.set_registered_model_alias(NAME, "challenger", "1")
client.delete_registered_model_alias(NAME, "challenger")
by_alias = client.get_model_version_by_alias(NAME, "champion")
assert by_alias.version == "3" and by_alias.aliases == ["champion"], by_alias

# Tags and descriptions on both levels.
client.set_registered_model_tag(NAME, "owner", "ada")
client.delete_registered_model_tag(NAME, "team")
client.set_model_version_tag(NAME, "2", "validated", "yes")
client.delete_model_version_tag(NAME, "1", "framework")
client.update_registered_model(NAME, description="fraud scoring")
updated = client.update_model_version(NAME, "2", description="best so far")
assert updated.description == "best so far"
rm = client.get_registered_model(NAME)
model = {
    "tags": rm.tags,
    "description": rm.description,
    "aliases": rm.aliases,
    "latest": sorted((v.version, v.current_stage) for v in rm.latest_versions),
}
version_tags = {v: client.get_model_version(NAME, v).tags for v in ("1", "2")}
download_uri = client.get_model_version_download_uri(NAME, "3")

# Rename: versions follow; the old name is gone.
NEW = f"{NAME}-v2"
client.rename_registered_model(NAME, NEW)  # returns None in this client version
assert client.get_registered_model(NEW).name == NEW
assert client.get_model_version(NEW, "2").name == NEW
try:
    client.get_registered_model(NAME)
    raise AssertionError("old name still resolves")
except MlflowException as e:
    old_name_error = e.error_code

# Delete a version: 404 afterwards, its alias goes, and the next version is 4 (numbers are not reused).
client.delete_model_version(NEW, "3")
try:
    client.get_model_version(NEW, "3")
    raise AssertionError("deleted version still resolves")
except MlflowException as e:
    deleted_version_error = e.error_code
after_delete = client.get_registered_model(NEW)
v4 = client.create_model_version(NEW, "s3://models/fraud/4")

# The MLflow 3 fluent register path re-creating an existing model must see RESOURCE_ALREADY_EXISTS.
try:
    client.create_registered_model(NEW)
    raise AssertionError("duplicate model name accepted")
except MlflowException as e:
    duplicate_error = e.error_code

client.delete_registered_model(NEW)
try:
    client.get_registered_model(NEW)
    raise AssertionError("deleted model still resolves")
except MlflowException as e:
    deleted_model_error = e.error_code

print(
    json.dumps(
        {
            "run_id": run_id,
            "versions": [v1.version, v2.version, v3.version, v4.version],
            "archived_stage": archived.current_stage,
            "latest": latest,
            "latest_all": latest_all,
            "model": model,
            "version_tags": version_tags,
            "download_uri": download_uri,
            "renamed": NEW,
            "aliases_after_delete": after_delete.aliases,
            "errors": {
                "old_name": old_name_error,
                "deleted_version": deleted_version_error,
                "duplicate": duplicate_error,
                "deleted_model": deleted_model_error,
            },
        }
    )
)
