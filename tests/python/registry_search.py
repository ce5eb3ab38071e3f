"""MlflowClient registry search and errors against Tandem: search_registered_models (=, LIKE, ILIKE, tags, order_by,
paging), search_model_versions (name, run_id, source_path, version_number, tags) and the error codes clients branch
on. Asserts here; the last line is JSON for the TS test."""
import json
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

PREFIX = sys.argv[1] if len(sys.argv) > 1 else "search"
client = MlflowClient()
run_id = client.create_run("0", run_name="producer").info.run_id

names = [f"{PREFIX}-alpha", f"{PREFIX}-beta", f"{PREFIX}-gamma", f"{PREFIX}-Delta"]
for i, n in enumerate(names):
    client.create_registered_model(n, tags={"tier": "gold" if i % 2 == 0 else "silver"})
alpha, beta = names[0], names[1]
client.create_model_version(alpha, f"runs:/{run_id}/model", run_id=run_id, tags={"data": "2024"})
client.create_model_version(alpha, "s3://models/alpha/2", tags={"data": "2025"})
client.create_model_version(beta, "s3://models/beta/1")


def model_names(filter_string=None, **kw):
    return [m.name for m in client.search_registered_models(filter_string, **kw)]


def versions(filter_string, **kw):
    return [f"{v.name}/{v.version}" for v in client.search_model_versions(filter_string, **kw)]


page1 = client.search_registered_models(f"name LIKE '{PREFIX}-%'", max_results=3)
page2 = client.search_registered_models(f"name LIKE '{PREFIX}-%'", max_results=3, page_token=page1.token)
assert page1.token and not page2.token, (page1.token, page2.token)

searches = {
    "by_name": model_names(f"name = '{alpha}'"),
    "like": model_names(f"name LIKE '{PREFIX}-%'"),
    "ilike": model_names(f"name ILIKE '{PREFIX}-d%'"),
    "tags": model_names(f"tags.tier = 'gold' AND name LIKE '{PREFIX}-%'"),
    "desc": model_names(f"name LIKE '{PREFIX}-%'", order_by=["name DESC"]),
    "pages": [[m.name for m in page1], [m.name for m in page2]],
    "versions_by_name": versions(f"name = '{alpha}'", order_by=["version_number ASC"]),
    "versions_by_run": versions(f"run_id = '{run_id}'"),
    "versions_by_source": versions("source_path = 's3://models/beta/1'"),
    "versions_by_number": versions(f"name = '{alpha}' AND version_number > 1"),
    "versions_by_tag": versions(f"tags.data = '2025' AND name LIKE '{PREFIX}-%'"),
    "latest_alias": client.get_model_version_by_alias(alpha, "latest").version,
}


def error_code(fn):
    try:
        fn()
    except MlflowException as e:
        return e.error_code
    raise AssertionError("expected an MlflowException")


errors = {
    "bad_filter": error_code(lambda: client.search_registered_models(f"name = '{alpha}' OR name = '{beta}'")),
    "bad_order": error_code(lambda: client.search_model_versions(f"name = '{alpha}'", order_by=["stage ASC"])),
    "unknown_version": error_code(lambda: client.get_model_version(alpha, "99")),
    "unknown_model": error_code(lambda: client.get_registered_model(f"{PREFIX}-nope")),
    "version_for_unknown_model": error_code(lambda: client.create_model_version(f"{PREFIX}-nope", "s3://x/y")),
    "local_source": error_code(lambda: client.create_model_version(alpha, "/tmp/model")),
    "reserved_alias": error_code(lambda: client.set_registered_model_alias(alpha, "v3", "1")),
    "unknown_alias": error_code(lambda: client.get_model_version_by_alias(alpha, "nobody")),
    "alias_to_missing_version": error_code(lambda: client.set_registered_model_alias(alpha, "champion", "42")),
    "archive_into_archived": error_code(lambda: client.transition_model_version_stage(alpha, "1", "Archived", archive_existing_versions=True)),
    "bad_stage": error_code(lambda: client.transition_model_version_stage(alpha, "1", "Shipped")),
    "duplicate": error_code(lambda: client.create_registered_model(beta)),
}
print(json.dumps({"searches": searches, "errors": errors}))
