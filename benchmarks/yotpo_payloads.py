"""Deterministic Yotpo webhook bodies for the benchmarks (valid by the spec's payload schema)."""
from __future__ import annotations

import json
import random
from pathlib import Path

TYPES = ["sms_sent", "sms_clicked", "sms_unsubscribed", "sms_subscribed", "email_sent", "email_delivered",
         "email_opened", "email_clicked", "email_bounced", "email_unsubscribed", "email_subscribed"]


def body(i: int, rng: random.Random) -> dict:
    kind = rng.choice(TYPES)
    sms = kind.startswith("sms")
    customer = {"phone_number": f"+1415{i:07d}"} if sms else {"email": f"shopper{i}@example.com"}
    if i % 3:
        customer["external_id"] = f"cust_{i}"
    props = {"sub_source": rng.choice(["flow", "campaign"]), "source_id": f"src_{i % 97}", "store_id": "store_8xk2",
             "flow_id": i % 500, "campaign_id": f"cmp_{i % 40}"}
    if not sms:
        props["email_reference_id"] = f"eref_{i}"
    if "clicked" in kind:
        props["clicked_url"] = f"https://shop.example.com/p/{i % 1000}"
    return {"source": "yotpo_sms" if sms else "yotpo_email", "type": kind, "timestamp": "2026-03-01T10:00:00Z",
            "id": f"6f1c2b9a-{i:08d}", "customer": customer, "properties": props}


def write_ndjson(path: Path, count: int, seed: int = 20261123) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(body(i, rng)) + "\n")
    return path
