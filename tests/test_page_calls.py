"""The page follows the calls: the methods used and which webhooks make them, traits and collections tables,
and connect steps for how data arrives."""
from __future__ import annotations

import specbuild
from srcfn.generator.render import render_all

PAYLOAD = {"type": "object", "properties": {"kind": {"type": "string"}, "email": {"type": "string"},
                                            "org": {"type": "string"}, "plan": {"type": "string"}}}


def page(**parts) -> str:
    return render_all(specbuild.load(specbuild.spec(**parts)).spec)["index.md"]


def test_a_webhook_source_says_to_paste_the_webhook_url_and_lists_its_calls_traits_and_collections():
    text = page(connect={"mode": "webhook", "path": "Settings > Webhooks"},
                webhook={"payload": PAYLOAD, "event_type": "kind"},
                events=[{"call": "identify", "description": "x", "on": "signup",
                         "traits": {"email": {"value": "email", "describe": "the user's email address"}}},
                        {"call": "set", "description": "The organization's plan.", "on": ["signup", "upgrade"],
                         "collection": "organizations", "id": "org", "properties": ["plan"]}],
                properties={"plan": {"description": "The plan.", "from": "plan"}})
    assert "5. Copy the source's webhook URL from the Segment UI." in text
    assert "paste the webhook URL as the destination of Acme's webhooks" in text and "write key" not in text.lower()
    assert "It uses server-side `identify` and `set` methods to send data to Segment." in text
    assert "- Identify calls: the `signup` webhook.\n- Object (`set`) calls: the `signup` and `upgrade` webhooks." in text
    assert "| `email`    | The user's email address |" in text
    assert "| `organizations` | The organization's plan. |" in text
    assert "## Events" in text and "The table below lists events" not in text  # no track events: no events prose
    assert "The table below lists the properties of the objects listed above." in text


def test_a_write_key_source_keeps_the_template_steps_and_says_nothing_of_calls_it_never_makes():
    text = page(webhook={"payload": PAYLOAD}, events=[{"name": "Signed Up", "description": "x"}])
    assert "5. Copy the Write key from the Segment UI." in text
    assert "It uses a server-side `track` method" in text
    assert "beside its events" not in text and "traits" not in text and "Object API" not in text


def test_a_trait_without_a_description_is_described_by_where_it_comes_from():
    text = page(webhook={"payload": PAYLOAD},
                events=[{"call": "identify", "description": "x",
                         "traits": {"email": "email", "site": {"template": "https://{org}.example.com/{{x}}"}}}])
    assert "| `email`    | From the `email` field.                              |" in text
    assert "| `site`     | From the template `https://{org}.example.com/{% raw %}{{{% endraw %}x}}`. |" in text
