"""Shared core of srcfn's rooms: located findings, document loading, schema-error wording, Segment's facts."""
