"""Segment's HTTP APIs: the Public API (functions), the Tracking API (forwarding), one retry policy."""
