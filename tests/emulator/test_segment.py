"""segment-runtime.md "The Segment global": fields, validation messages, limits, all-or-nothing."""
from __future__ import annotations

import pytest


def emit(js: str) -> str:
    return f"async function onRequest(request, settings) {{ {js} }}"


@pytest.mark.parametrize("js,message", [
    ("Segment.track({userId: 'u'})", "event is required but not defined"),
    ("Segment.track({event: 'E'})", "One of userId,anonymousId is required but not defined"),
    ("Segment.track({event: 'E', userId: ''})", "One of userId,anonymousId is required but not defined"),
    ("Segment.identify({traits: {a: 1}})", "One of userId,anonymousId is required but not defined"),
    ("Segment.group({userId: 'u'})", "groupId is required but not defined"),
    ("Segment.alias({userId: 'u'})", "previousId is required but not defined"),
    ("Segment.page({name: 'Home'})", "One of userId,anonymousId is required but not defined"),
    ("Segment.track({event: 'E', userId: 'u', messageId: 'm'.repeat(100)})", "messageId must be under 100 characters"),
])
def test_validation_messages(one, js, message):
    r = one(emit(js))
    assert (r.error["type"], r.error["message"], r.error["category"]) == ("ValidationError", message, "Message Rejected")


def test_each_method_keeps_its_documented_fields(one):
    r = one(emit("""
      Segment.track({event: 'E', userId: 'u', properties: {a: 1}, bogus: 1, traits: {t: 1}});
      Segment.identify({anonymousId: 'a', traits: {t: 1}, event: 'no'});
      Segment.group({groupId: 'g', userId: 'u', traits: {n: 1}});
      Segment.page({name: 'Home', userId: 'u', properties: {p: 1}});
      Segment.screen({name: 'Main', userId: 'u'});
      Segment.alias({previousId: 'old', userId: 'new'});
    """))
    assert r.calls == [
        {"type": "track", "event": "E", "userId": "u", "properties": {"a": 1}},
        {"type": "identify", "anonymousId": "a", "traits": {"t": 1}},
        {"type": "group", "groupId": "g", "userId": "u", "traits": {"n": 1}},
        {"type": "page", "name": "Home", "userId": "u", "properties": {"p": 1}},
        {"type": "screen", "name": "Main", "userId": "u"},
        {"type": "alias", "previousId": "old", "userId": "new"},
    ]


def test_set_emits_the_object_api_call(one):
    r = one(emit("Segment.set({collection: 'rooms', id: 'r1', properties: {floor: 2, open: true, note: null}})"))
    assert r.calls == [{"type": "set", "collection": "rooms", "id": "r1", "properties": {"floor": 2, "open": True, "note": None}}]


@pytest.mark.parametrize("collection", ["Rooms", "_rooms", "rooms_", "ro-oms", "r" * 101, ""])
def test_set_rejects_bad_collections(one, collection):
    r = one(emit(f"Segment.set({{collection: {collection!r}, id: 'x', properties: {{}}}})"))
    assert r.error["type"] == "ValidationError"
    assert r.error["message"].startswith("collection must be 1-100 lowercase letters, digits and underscores")


def test_set_rejects_long_ids_and_non_primitive_values(one):
    assert one(emit("Segment.set({collection: 'c', id: 'x'.repeat(101), properties: {}})")).error["message"] == \
        "id must be at most 100 characters"
    assert one(emit("Segment.set({collection: 'c', id: '1', properties: {tags: ['a']}})")).error["message"] == \
        "properties.tags must be a primitive value (string, number, boolean or null), not an array"


def test_messages_over_32_kb_are_rejected(one):
    ok = one(emit("Segment.track({event: 'E', userId: 'u', properties: {x: 'a'.repeat(32000)}})"))
    assert ok.error is None
    big = one(emit("Segment.track({event: 'E', userId: 'u', properties: {x: 'a'.repeat(33000)}})"))
    assert (big.error["type"], big.error["message"]) == ("ValidationError", "the message is too large and over the maximum 32KB limit")


def test_a_throw_discards_every_call_of_the_invocation(one):
    r = one(emit("Segment.track({event: 'A', userId: 'u'}); Segment.identify({userId: 'u'}); throw new Error('late');"))
    assert (r.calls, r.discarded, r.error["message"]) == ([], 2, "late")


def test_a_caught_validation_error_does_not_discard(one):
    r = one(emit("try { Segment.track({userId: 'u'}); } catch (e) {} Segment.track({event: 'B', userId: 'u'});"))
    assert r.calls == [{"type": "track", "event": "B", "userId": "u"}]


def test_calls_are_snapshots(one):
    r = one(emit("const p = {n: 1}; Segment.track({event: 'E', userId: 'u', properties: p}); p.n = 2;"))
    assert r.calls[0]["properties"] == {"n": 1}


def test_calls_keep_emission_order_across_awaits(one):
    r = one(emit("""
      Segment.track({event: 'first', userId: 'u'});
      await new Promise((resolve) => setTimeout(resolve, 10));
      Segment.track({event: 'second', userId: 'u'});
    """))
    assert [c["event"] for c in r.calls] == ["first", "second"]
