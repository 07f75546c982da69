# Schemathesis hooks: rules between fields, or facts of the test environment, that OpenAPI
# cannot state. Applied to every case just before it is sent (every phase), only to
# positive cases, so that schema-valid requests are valid requests and reach the handler's
# later steps (storage, signals, responses). Schemathesis re-validates a case that a
# `before_call` hook edited, so its positive or negative label stays true.
import json
import os

import schemathesis

# JSON object: allowed region -> an AMI that exists there (set by run-fuzz.ts).
REGION_AMIS_ENV = "FUZZ_REGION_AMIS"


def _storable(value):
    """The documented body rules no schema states, at any depth of free-form JSON (userData,
    secrets): no U+0000 in any string or key, and no key named `__proto__`."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, dict):
        kept = {_storable(key): _storable(item) for key, item in value.items()}
        kept.pop("__proto__", None)
        return kept
    return value


def _secret_token_from_url(case):
    """createSecret: `token` in the body must equal the URL's, or the answer is 400 before anything else."""
    token = case.path_parameters.get("token") if case.path_parameters else None
    if isinstance(token, str):
        case.body["token"] = token


def _ordered(body, low, high):
    if low in body and body[low] > body[high]:
        body[low], body[high] = body[high], body[low]


def _launchable_definition(case):
    """create/updateWorkerType: a definition that this deployment accepts.

    Regions become the allowed ones (each once) with AMIs that exist there, launch
    specifications are emptied (their keys are an allow-list the schema does not carry),
    availability zones go, instance types are unique and min/max pairs ordered. Everything
    else (userData, description, owner, instance types, numbers) stays as generated.
    """
    region_amis = json.loads(os.environ.get(REGION_AMIS_ENV) or "{}")
    body = case.body
    if not region_amis or not isinstance(body.get("regions"), list) or not isinstance(body.get("instanceTypes"), list):
        return
    pairs = zip(body["regions"], region_amis.items())
    body["regions"] = [{**entry, "region": region, "launchSpec": {"ImageId": ami}} for entry, (region, ami) in pairs]
    body["launchSpec"] = {}
    unique = {}
    for entry in body["instanceTypes"]:
        unique.setdefault(entry["instanceType"], {**entry, "launchSpec": {}})
    body["instanceTypes"] = list(unique.values())
    if "availabilityZones" in body:
        body["availabilityZones"] = []
    _ordered(body, "minCapacity", "maxCapacity")
    _ordered(body, "minPrice", "maxPrice")


REPAIRS = {
    "createSecret": _secret_token_from_url,
    "createWorkerType": _launchable_definition,
    "updateWorkerType": _launchable_definition,
}


@schemathesis.hook
def before_call(_ctx, case, **_kwargs):
    meta = case.meta
    # Only positive cases: a negative one keeps the violation it was generated with.
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return
    # In place: schemathesis compares the body it generated with the one it sends.
    cleaned = _storable(case.body)
    case.body.clear()
    case.body.update(cleaned)
    repair = REPAIRS.get(case.operation.definition.raw.get("operationId"))
    if repair:
        repair(case)
