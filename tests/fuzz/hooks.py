"""What the fuzzer cannot learn from the OpenAPI document alone.

Two kinds of knowledge, applied to every generated request so that valid cases reach the logic behind the
checks instead of stopping at them:

* Rules that tie one field to another, which JSON Schema cannot state (the document says them in words): a
  session ends after it starts and lasts at most 24 hours; a group session is on the channel `group_training` and
  names no single citizen; a session id, and a contact's `source_id`, is new for every session or contact.
* Rules about which values exist: a KLE number is one of KLE's (the document gives its form only), and a
  citizen search names exactly one of `cpr`, `phone` and `q`.
* Test data: ids of citizens that exist in the fuzzed store (FUZZ_CITIZENS, comma-separated), used where a
  request names a citizen by id, so reads and links find someone instead of answering 404.

Loaded by tests/fuzz/schemathesis.sh through SCHEMATHESIS_HOOKS.
"""

import datetime
import os
import random
import uuid

import schemathesis

CITIZENS = [c for c in os.environ.get("FUZZ_CITIZENS", "").split(",") if c]
# A few numbers from KLE, of each level.
KLE = ["23", "23.05", "23.05.10", "32.06.00", "27.00.00", "27.12.00"]
CITIZEN_PATHS = {"/v1/citizens/{id}", "/v1/citizens/{id}/cpr", "/v1/citizens/{id}/events", "/v1/citizens/{id}/export"}


def _operation(context):
    operation = context.operation
    if operation is None:
        return None, None
    return operation.method.upper(), operation.path


def _time(text):
    try:
        return datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


@schemathesis.hook
def map_body(context, body):
    method, path = _operation(context)
    if not isinstance(body, dict):
        return body
    if isinstance(body.get("kle"), str):
        body["kle"] = random.choice(KLE)
    if (method, path) == ("PUT", "/v1/sessions/{id}"):
        started = _time(body.get("started_at"))
        if started is not None:
            ended = started + datetime.timedelta(minutes=random.randint(1, 24 * 60))
            body["ended_at"] = ended.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(body.get("group"), dict):
            body["channel"] = "group_training"
            body["citizen_id"] = None
        elif isinstance(body.get("citizen_id"), str) and CITIZENS:
            body["citizen_id"] = random.choice(CITIZENS)
    if (method, path) == ("POST", "/v1/events") and isinstance(body.get("source_id"), str):
        # A channel system gives every contact its own id; a generated id used again is a different contact (409).
        body["source_id"] = str(uuid.uuid4())
    if (method, path) == ("POST", "/v1/unmatched/{id}/link") and CITIZENS and "citizen_id" in body:
        body["citizen_id"] = random.choice(CITIZENS)
    return body


@schemathesis.hook
def map_query(context, query):
    method, path = _operation(context)
    if (method, path) == ("GET", "/v1/citizens") and isinstance(query, dict):
        given = [k for k in ("cpr", "phone", "q") if k in query]
        if len(given) > 1:
            keep = random.choice(given)
            query = {k: v for k, v in query.items() if k not in given or k == keep}
    return query


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    method, path = _operation(context)
    if method == "GET" and path in CITIZEN_PATHS and CITIZENS and random.random() < 0.8:
        path_parameters = dict(path_parameters)
        path_parameters["id"] = random.choice(CITIZENS)
    if (method, path) == ("PUT", "/v1/sessions/{id}"):
        # The console makes a new id for every session; a generated id used again is a different session (409).
        path_parameters = dict(path_parameters)
        path_parameters["id"] = str(uuid.uuid4())
    return path_parameters
