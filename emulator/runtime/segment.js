"use strict";
// The `Segment` global: the documented fields of each method, Segment's validation messages, the message
// size limit (all from `facts`, core/segment.py). Calls are buffered on the invocation; they count only if
// onRequest resolves.

function missing(v) {
  return v === undefined || v === null || v === "";
}

function makeSegment(errors, facts, sink) {
  const { ValidationError } = errors;
  const required = facts.call_required;
  const collectionPattern = new RegExp(facts.collection_pattern);
  const checkSize = (call) => sized(call, facts.max_message_bytes, ValidationError);
  const api = {};
  for (const [type, fields] of Object.entries(facts.call_fields)) {
    if (type === "set") continue;
    api[type] = function (message) {
      const msg = message && typeof message === "object" ? message : {};
      const call = { type };
      for (const field of fields) if (msg[field] !== undefined) call[field] = msg[field];
      if (required[type] && missing(call[required[type]])) {
        throw new ValidationError(`${required[type]} is required but not defined`);
      }
      if (missing(call.userId) && missing(call.anonymousId)) {
        throw new ValidationError("One of userId,anonymousId is required but not defined");
      }
      if (typeof call.messageId === "string" && call.messageId.length >= facts.message_id_under) {
        throw new ValidationError(`messageId must be under ${facts.message_id_under} characters`);
      }
      sink(checkSize(call));
    };
  }
  api.set = function (message) {
    const msg = message && typeof message === "object" ? message : {};
    const { collection, id, properties } = msg;
    if (typeof collection !== "string" || !collectionPattern.test(collection)) {
      throw new ValidationError(`collection must be 1-${facts.max_object_id_chars} lowercase letters, digits and underscores, not starting or ending with an underscore`);
    }
    if (missing(id)) throw new ValidationError("id is required but not defined");
    if (String(id).length > facts.max_object_id_chars) throw new ValidationError(`id must be at most ${facts.max_object_id_chars} characters`);
    const props = properties && typeof properties === "object" ? properties : {};
    for (const [key, value] of Object.entries(props)) {
      if (value !== null && typeof value === "object") {
        throw new ValidationError(`properties.${key} must be a primitive value (string, number, boolean or null), not ${Array.isArray(value) ? "an array" : "an object"}`);
      }
    }
    sink(checkSize({ type: "set", collection, id, properties: props }));
  };
  return Object.freeze(api);
}

function sized(call, limit, ValidationError) {
  let text;
  try {
    text = JSON.stringify(call);
  } catch (err) {
    throw new ValidationError(`the ${call.type} message cannot be serialised to JSON: ${err.message}`);
  }
  if (Buffer.byteLength(text, "utf8") > limit) {
    throw new ValidationError(`the message is too large and over the maximum ${limit / 1024}KB limit`);
  }
  return text; // the JSON text is the snapshot: later mutation of the handler's objects does not change the call
}

module.exports = { makeSegment };
