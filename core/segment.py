"""Segment's own facts, defined once: hosts, limits, error categories, the Segment calls and their fields,
the partner template's sections. Sources: docs/segment-runtime.md and docs/catalog-pages.md (Segment's public
documentation); where Segment documents no value, the entry says it is srcfn's choice.

The Node worker receives what it needs of these in its `load` message; it keeps no copy of its own.
"""
from __future__ import annotations

# Hosts.
WEBHOOK_HOST = "fn.segmentapis.com"  # Segment refuses to save function code containing https://<this>
WEBHOOK_URL = f"https://{WEBHOOK_HOST}"
EMULATOR_URL = f"{WEBHOOK_URL}/?b=srcfn-emulator"  # request.url of an emulated request that names no URL
PUBLIC_API = {"us": "https://api.segmentapis.com", "eu": "https://eu1.api.segmentapis.com"}
TRACKING_API_BATCH = {"us": "https://api.segment.io/v1/batch", "eu": "https://events.eu1.segmentapis.com/v1/batch"}

# Limits.
TIMEOUT_SECONDS = 5.0             # per invocation
MAX_PAYLOAD_BYTES = 512 * 1024    # incoming webhook body
MAX_MESSAGE_BYTES = 32 * 1024     # one emitted call (Tracking API)
MAX_BATCH_BYTES = 500 * 1000      # one Tracking API batch
MESSAGE_ID_UNDER = 100            # messageId must be under 100 characters
TESTER_LOG_BYTES = 4 * 1024       # console output the editor's tester shows

# The Segment calls a Source Function can make, with the fields each accepts; `set` is the Object API.
CALL_FIELDS = {
    "track": ("event", "userId", "anonymousId", "properties", "context", "timestamp", "messageId", "integrations"),
    "identify": ("userId", "anonymousId", "traits", "context", "timestamp", "messageId", "integrations"),
    "group": ("groupId", "userId", "anonymousId", "traits", "context", "timestamp", "messageId", "integrations"),
    "page": ("name", "userId", "anonymousId", "properties", "context", "timestamp", "messageId", "integrations"),
    "screen": ("name", "userId", "anonymousId", "properties", "context", "timestamp", "messageId", "integrations"),
    "alias": ("previousId", "userId", "anonymousId", "context", "timestamp", "messageId", "integrations"),
    "set": ("collection", "id", "properties"),
}
CALL_REQUIRED = {"track": "event", "group": "groupId", "alias": "previousId"}
COLLECTION_PATTERN = r"^[a-z0-9](?:[a-z0-9_]{0,98}[a-z0-9])?$"  # Object API collection names
MAX_OBJECT_ID_CHARS = 100

# Outcomes: Segment's error classes (globals in every function) and what each is reported as. Segment documents
# the categories; the HTTP status a webhook caller gets is srcfn's choice (README, "Outcomes").
ERROR_CLASSES = ("EventNotSupported", "InvalidEventPayload", "ValidationError", "RetryError")
OUTCOMES = {
    "EventNotSupported": ("Unsupported Event Type", 400),
    "InvalidEventPayload": ("Message Rejected", 400),
    "ValidationError": ("Message Rejected", 400),
    "RetryError": ("Retry", 503),
    "Timeout": ("Retry", 504),
    "OutOfMemory": ("Retry", 503),
    "other": ("Bad Request", 400),
}
REQUEST_REJECTED = "Request Rejected"  # refused before the function runs
REQUEST_STATUS = {"MethodNotAllowed": 405, "UnsupportedMediaType": 415, "PayloadTooLarge": 413}
CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded")

# Catalog pages: the partner template's sections in order (key → heading), and the homepage link's utm string.
TEMPLATE_SECTIONS = {
    "getting_started": "Getting started",
    "stream": "Stream",
    "events": "Events",
    "event_properties": "Event Properties",
    "adding_destinations": "Adding Destinations",
}
UTM = "?utm_source=segmentio&utm_medium=docs&utm_campaign=partners"


def worker_facts() -> dict:
    """What the Node worker needs of these facts, sent with its `load` message."""
    return {"error_classes": list(ERROR_CLASSES), "call_fields": {k: list(v) for k, v in CALL_FIELDS.items()},
            "call_required": CALL_REQUIRED, "collection_pattern": COLLECTION_PATTERN,
            "max_object_id_chars": MAX_OBJECT_ID_CHARS, "max_payload_bytes": MAX_PAYLOAD_BYTES,
            "max_message_bytes": MAX_MESSAGE_BYTES, "message_id_under": MESSAGE_ID_UNDER,
            "content_types": list(CONTENT_TYPES)}

# Deployed Source Functions receive a JSON body with its keys sorted alphabetically; the editor's tester sends it as
# is. So a signature over the raw JSON bytes verifies in the tester and fails in production.
SORTED_PAYLOADS = ("deployed Source Functions receive the JSON body with its keys sorted alphabetically "
                   "(Segment's Source Functions FAQ, \"Does Segment alter incoming payloads?\")")
