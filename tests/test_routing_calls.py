"""Routing (the webhook type from any expression, conditions, ignore, unknown types), batches and every Segment
call kind: from the spec to the emulated calls, and the located error of each misuse."""
from __future__ import annotations

import pytest

import specbuild
from specbuild import calls, error_of, errors, spec

TYPED = {"type": "object", "properties": {
    "kind": {"type": "string"}, "action": {"type": "string"}, "id": {"type": "string"}, "email": {"type": "string"},
    "user": {"type": "string"}, "amount": {"type": "number"}, "test": {"type": "boolean"}}}


def track(name: str, **extra) -> dict:
    return {"name": name, "description": f"{name}.", **extra}


# --- Routing ------------------------------------------------------------------------------------------------

def test_type_from_a_header_routes_several_calls_in_order_with_distinct_message_ids():
    value = spec(webhook={"payload": TYPED, "event_type": {"header": "X-Topic"}, "message_id": "id"},
                 events=[track("Order Paid", on="orders/paid"),
                         {"call": "identify", "description": "The buyer.", "on": ["orders/paid", "orders/new"],
                          "traits": {"email": "email"}},
                         track("Anything", on="*")])
    got = calls(value, {"id": "m1", "email": "a@example.com"}, headers={"X-Topic": "orders/paid"})
    assert got == [
        {"type": "track", "event": "Order Paid", "userId": "u1", "messageId": "m1"},
        {"type": "identify", "userId": "u1", "traits": {"email": "a@example.com"}, "messageId": "m1-2"},
        {"type": "track", "event": "Anything", "userId": "u1", "messageId": "m1-3"},
    ]


def test_type_from_a_template_of_two_fields():
    value = spec(webhook={"payload": TYPED, "event_type": {"template": "{kind}.{action}"}},
                 events=[track("Issue Opened", on="issue.opened"), track("Issue Closed", on="issue.closed")])
    assert [c["event"] for c in calls(value, {"kind": "issue", "action": "closed"})] == ["Issue Closed"]


def test_conditions_choose_between_calls_of_one_type():
    value = spec(webhook={"payload": TYPED, "event_type": "kind"},
                 events=[track("Big Order", on="order", when={"value": "amount", "greater_than": 100}),
                         track("Order", on="order", when={"not": {"value": "amount", "greater_than": 100}}),
                         track("Test Order", on="order", when={"all": [{"exists": "test"}, {"value": "test", "equals": True}]})])
    assert [c["event"] for c in calls(value, {"kind": "order", "amount": 150})] == ["Big Order"]
    assert [c["event"] for c in calls(value, {"kind": "order", "amount": 5, "test": True})] == ["Order", "Test Order"]


def test_ignored_types_and_conditions_succeed_with_no_calls():
    value = spec(webhook={"payload": TYPED, "event_type": "kind", "ignore": ["ping", {"value": "test", "equals": True}]},
                 events=[track("Order", on="order")])
    assert calls(value, {"kind": "ping"}) == []
    assert calls(value, {"kind": "order", "test": True}) == []
    assert [c["event"] for c in calls(value, {"kind": "order"})] == ["Order"]


def test_unknown_types_are_rejected_or_ignored_as_the_spec_says():
    routed = {"payload": TYPED, "event_type": "kind"}
    events = [track("Order", on="order")]
    assert error_of(spec(webhook=routed, events=events), {"kind": "refund"}) == \
        ("EventNotSupported", 'Unsupported Acme webhook type: "refund"')
    assert calls(spec(webhook={**routed, "unknown_types": "ignore"}, events=events), {"kind": "refund"}) == []


@pytest.mark.parametrize("webhook, events, expected", [
    ({"payload": TYPED}, [track("Order", on="order")],
     "/events/0/on: on needs webhook.event_type: say what the webhook type is, or leave on out"),
    ({"payload": TYPED, "event_type": "kind"}, [track("Order")],
     '/events/0: give the webhook types this applies to with on (or on: "*" for every type)'),
    ({"payload": TYPED, "event_type": "kind", "ignore": ["order"]}, [track("Order", on="order")],
     "/webhook/ignore: webhook type 'order' is both ignored and routed to calls"),
    ({"payload": {"type": "object", "properties": {"kind": {"enum": ["order"]}}}, "event_type": "kind"},
     [track("Refund", on="refund")],
     "/events/0/on: webhook type 'refund' is not one the payload schema's enum allows (order)"),
    ({"payload": TYPED, "event_type": {"object": {"k": "kind"}}}, [track("Order", on="order")],
     "/webhook/event_type: the webhook type needs a string, a number or a boolean; the value of object is an object"),
    ({"payload": TYPED, "event_type": "kind"}, [track("Order", on="order", when={"value": "amount", "equals": "x"})],
     "/events/0/when/equals: \"x\" can never match: 'amount' (as the payload schema declares it) is a number"),
])
def test_routing_misuse_is_a_located_error(webhook, events, expected):
    assert errors(spec(webhook=webhook, events=events)) == [expected]


# --- Batches ------------------------------------------------------------------------------------------------

ITEMS = {"type": "array", "items": {"type": "object", "required": ["email"],
                                    "properties": {"email": {"type": "string", "format": "email"},
                                                   "kind": {"type": "string"}}}}
EMAIL_ID = {"identity": {"anonymous_id": {"value": "email", "describe": "the email"}}}


def batch_spec(**webhook) -> dict:
    value = spec(webhook={"payload": ITEMS, "batch": {"array": "$"}, **webhook},
                 events=[track("Email Sent")], **EMAIL_ID)
    return value


def test_a_body_that_is_an_array_makes_calls_per_element_with_distinct_message_ids():
    value = batch_spec(message_id={"header": "X-Request-Id"})
    got = calls(value, [{"email": "a@example.com"}, {"email": "b@example.com"}], headers={"X-Request-Id": "r9"})
    assert [(c["anonymousId"], c["messageId"]) for c in got] == [("a@example.com", "r9-1"), ("b@example.com", "r9-2")]


def test_an_array_inside_the_body_with_an_item_path():
    payload = {"type": "object", "properties": {"notificationItems": {"type": "array", "items": {
        "type": "object", "properties": {"Item": {"type": "object", "properties": {
            "code": {"type": "string"}, "ref": {"type": "string"}}}}}}}}
    value = spec(webhook={"payload": payload, "batch": {"array": "notificationItems", "item": "Item"}, "message_id": "ref"},
                 events=[{"name": "Notification", "description": "One item.", "name_from": "code",
                          "user_id": "ref"}])
    body = {"notificationItems": [{"Item": {"code": "AUTH", "ref": "p1"}}, {"Item": {"code": "REFUND", "ref": "p2"}}]}
    assert calls(value, body) == [{"type": "track", "event": "AUTH", "userId": "p1", "messageId": "p1"},
                                  {"type": "track", "event": "REFUND", "userId": "p2", "messageId": "p2"}]


def test_one_invalid_element_rejects_the_request_and_the_error_points_into_it():
    assert error_of(batch_spec(), [{"email": "a@example.com"}, {"email": "a@example.com"}, {"kind": "x"}]) == \
        ("ValidationError", 'Invalid Acme webhook payload: /2 must have the property "email"')
    assert error_of(batch_spec(), {"email": "a@example.com"}) == \
        ("ValidationError", "Invalid Acme webhook payload: (root) must be an array")


def test_skip_leaves_out_invalid_elements_and_logs_them():
    value = spec(webhook={"payload": ITEMS, "batch": {"array": "$", "invalid": "skip"}},
                 events=[track("Email Sent")], **EMAIL_ID)
    (result,) = specbuild.run(value, {"body": [{"email": "nope"}, {"email": "b@example.com"}]})
    assert result.error is None
    assert [c["anonymousId"] for c in result.calls] == ["b@example.com"]
    assert result.logs == ["[warn] Skipped an invalid event: /0/email must be a valid email"]


def test_an_unsupported_element_type_names_the_element():
    value = spec(webhook={"payload": ITEMS, "batch": {"array": "$"}, "event_type": "kind"},
                 events=[track("Email Sent", on="sent")], **EMAIL_ID)
    assert error_of(value, [{"email": "a@example.com", "kind": "sent"}, {"email": "b@example.com", "kind": "open"}]) == \
        ("EventNotSupported", 'Unsupported Acme webhook type: "open" (event 1)')


@pytest.mark.parametrize("webhook, expected", [
    ({"payload": ITEMS}, "/webhook/payload: the payload schema describes an array of events: say where the events "
                         "are with webhook.batch (array: $ when the body itself is the array)"),
    ({"payload": TYPED, "batch": {"array": "email"}},
     "/webhook/batch/array: email is not an array with items the payload schema declares"),
    ({"payload": ITEMS, "batch": {"array": "$", "item": "nope"}},
     "/webhook/batch/item: 'nope' names no field the payload schema declares in the array's items"),
    ({"payload": {"anyOf": [ITEMS]}, "batch": {"array": "$", "invalid": "skip"}},
     "/webhook/batch/invalid: invalid: skip validates each element with the schema of the array's items: declare the "
     "array with plain properties and items (no anyOf)"),
])
def test_batch_misuse_is_a_located_error(webhook, expected):
    assert errors(spec(webhook=webhook, events=[track("Email Sent")], **EMAIL_ID)) == [expected]


# --- Every call kind ----------------------------------------------------------------------------------------

PAYLOAD = {"type": "object", "properties": {
    "kind": {"type": "string"}, "user": {"type": "string"}, "anon": {"type": "string"}, "org": {"type": "string"},
    "page": {"type": "string"}, "url": {"type": "string"}, "old": {"type": "string"}, "plan": {"type": "string"},
    "seats": {"type": "integer"}}}
KINDS = [
    track("Plan Changed", on="track", properties=["plan"], context={"ip": {"header": "X-Forwarded-For"}},
          integrations={"All": False, "Mixpanel": True}),
    {"call": "identify", "description": "The user.", "on": "identify", "traits": {"plan": "plan", "seats": "seats"}},
    {"call": "group", "description": "The user's organization.", "on": "group", "group_id": "org",
     "traits": {"plan": "plan"}},
    {"call": "page", "name": "Pricing", "description": "A page view.", "on": "page", "properties": ["url"]},
    {"call": "screen", "description": "A screen view.", "on": "screen", "name_from": "page"},
    {"call": "alias", "description": "A new id.", "on": "alias", "previous_id": "old"},
    {"call": "set", "description": "The organization.", "on": "set", "collection": "organizations", "id": "org",
     "properties": ["plan", "seats"]},
    {"call": "set", "description": "A plan.", "on": "set_dynamic", "collection": {"template": "{kind}s"}, "id": "plan",
     "properties": {"object": {"seats": "seats"}}},
]
KIND_SPEC = dict(webhook={"payload": PAYLOAD, "event_type": "kind"}, events=KINDS,
                 identity={"user_id": {"value": "user", "describe": "the user"},
                           "anonymous_id": {"value": "anon", "describe": "the device"}},
                 properties={"plan": {"description": "The plan.", "from": "plan"},
                             "seats": {"description": "Seats.", "from": "seats"},
                             "url": {"description": "The URL.", "from": "url"}})
BODY = {"user": "u7", "anon": "d3", "org": "o1", "page": "Settings", "url": "https://x.example.com/p", "old": "d3",
        "plan": "pro", "seats": 5}
WHO = {"userId": "u7", "anonymousId": "d3"}


@pytest.mark.parametrize("kind, expected", [
    ("track", {"type": "track", "event": "Plan Changed", **WHO, "properties": {"plan": "pro"},
               "context": {"ip": "198.51.100.1"}, "integrations": {"All": False, "Mixpanel": True}}),
    ("identify", {"type": "identify", **WHO, "traits": {"plan": "pro", "seats": 5}}),
    ("group", {"type": "group", **WHO, "traits": {"plan": "pro"}, "groupId": "o1"}),
    ("page", {"type": "page", "name": "Pricing", **WHO, "properties": {"url": "https://x.example.com/p"}}),
    ("screen", {"type": "screen", "name": "Settings", **WHO}),
    ("alias", {"type": "alias", **WHO, "previousId": "d3"}),
    ("set", {"type": "set", "collection": "organizations", "id": "o1", "properties": {"plan": "pro", "seats": 5}}),
    ("set_dynamic", {"type": "set", "collection": "set_dynamics", "id": "pro", "properties": {"seats": 5}}),
])
def test_every_call_kind(kind, expected):
    (got,) = calls(spec(**KIND_SPEC), dict(BODY, kind=kind), headers={"X-Forwarded-For": "198.51.100.1"})
    assert got == expected


@pytest.mark.parametrize("entry, expected", [
    ({"call": "group", "description": "x"}, "/events/0: group calls need group_id (Segment requires groupId)"),
    ({"call": "alias", "description": "x"}, "/events/0: alias calls need previous_id (Segment requires previousId)"),
    ({"call": "set", "description": "x", "id": "org"}, "/events/0: set calls need a collection"),
    ({"call": "screen", "description": "x", "group_id": "org"}, "/events/0/group_id: screen calls take no group_id"),
    ({"call": "track", "description": "x"},
     "/events/0: track calls need a name and a description (the page's Events table lists them)"),
    ({"call": "page", "description": "x", "traits": {"plan": "plan"}}, "/events/0/traits: page calls take no traits"),
    ({"call": "set", "description": "x", "collection": "c", "id": "org", "user_id": "user"},
     "/events/0/user_id: set calls take no user_id"),
    ({"call": "identify", "description": "x", "properties": ["plan"]},
     "/events/0/properties: identify calls take no properties"),
    ({"call": "set", "description": "x", "collection": "c", "id": "org", "properties": ["tags"]},
     "/events/0/properties/0: set properties must be primitive (string, number, boolean or null); 'tags' is an array"),
    ({"call": "group", "description": "x", "group_id": "tags"},
     "/events/0/group_id: group_id needs a string, a number or a boolean; 'tags' (as the payload schema declares it) "
     "is an array"),
])
def test_call_kind_misuse_is_a_located_error(entry, expected):
    payload = {"type": "object", "properties": {**PAYLOAD["properties"], "tags": {"type": "array"}}}
    value = spec(webhook={"payload": payload}, events=[entry],
                 properties={"plan": {"description": "The plan.", "from": "plan"},
                             "tags": {"description": "Tags.", "from": "tags"}})
    assert errors(value) == [expected]


def test_an_alias_without_a_user_id_is_a_located_error():
    value = spec(webhook={"payload": PAYLOAD}, identity={"anonymous_id": {"value": "anon", "describe": "the device"}},
                 events=[{"call": "alias", "description": "x", "previous_id": "old"}])
    assert errors(value) == ["/events/0: alias calls need a userId (the new id; previous_id is the old one)"]
