"""segment-runtime.md "Errors": each thrown error's category and srcfn's HTTP status."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("throw,type_,category,status", [
    ("new EventNotSupported('no such type')", "EventNotSupported", "Unsupported Event Type", 400),
    ("new InvalidEventPayload('bad body')", "InvalidEventPayload", "Message Rejected", 400),
    ("new ValidationError('bad field')", "ValidationError", "Message Rejected", 400),
    ("new RetryError('try later')", "RetryError", "Retry", 503),
    ("new TypeError('oops')", "TypeError", "Bad Request", 400),
    ("new Error('plain')", "Error", "Bad Request", 400),
])
def test_categories_and_statuses(one, throw, type_, category, status):
    r = one(f"async function onRequest() {{ throw {throw}; }}")
    assert (r.error["type"], r.error["category"], r.error["status"], r.status) == (type_, category, status, status)


def test_error_messages_are_reported(one):
    assert one("async function onRequest() { throw new ValidationError('email is missing'); }").error["message"] == \
        "email is missing"


def test_subclasses_keep_their_category(one):
    r = one("""
      class MissingEmail extends ValidationError { constructor() { super("no email"); this.name = "MissingEmail"; } }
      async function onRequest() { throw new MissingEmail(); }
    """)
    assert (r.error["type"], r.error["category"]) == ("MissingEmail", "Message Rejected")


def test_thrown_non_errors(one):
    r = one("async function onRequest() { throw 'just a string'; }")
    assert (r.error["type"], r.error["message"], r.error["category"]) == ("string", "just a string", "Bad Request")


def test_a_rejected_promise_is_an_error(one):
    r = one("async function onRequest() { await Promise.reject(new RetryError('upstream down')); }")
    assert (r.error["type"], r.error["category"]) == ("RetryError", "Retry")


def test_an_error_at_the_top_level_of_the_script(one):
    r = one("undefinedThing.call(); async function onRequest() {}")
    assert (r.error["type"], r.error["message"]) == ("ReferenceError", "undefinedThing is not defined")


@pytest.mark.parametrize("failure, type_, message", [
    ("throw null", "object", "null"),
    ("throw undefined", "undefined", "undefined"),
    ("throw 0", "number", "0"),
    ('throw ""', "string", ""),
    ("return Promise.reject()", "undefined", "undefined"),
])
def test_falsy_throws_fail_the_invocation_and_discard_its_calls(one, failure, type_, message):
    """Issue 12: these were reported as success with the invocation's calls kept."""
    r = one(f"async function onRequest() {{ Segment.track({{event: 'E', userId: 'u'}}); {failure}; }}")
    assert r.calls == [] and r.discarded == 1
    assert (r.error["type"], r.error["message"], r.error["category"], r.status) == (type_, message, "Bad Request", 400)
