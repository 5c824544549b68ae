"use strict";
// The `Segment` global: the documented fields of each method, Segment's validation messages,
// the 32 KB message limit. Calls are buffered on the invocation; they count only if onRequest resolves.

const FIELDS = {
  track: ["event", "userId", "anonymousId", "properties", "context", "timestamp", "messageId", "integrations"],
  identify: ["userId", "anonymousId", "traits", "context", "timestamp", "messageId", "integrations"],
  group: ["groupId", "userId", "anonymousId", "traits", "context", "timestamp", "messageId", "integrations"],
  page: ["name", "userId", "anonymousId", "properties", "context", "timestamp", "messageId", "integrations"],
  screen: ["name", "userId", "anonymousId", "properties", "context", "timestamp", "messageId", "integrations"],
  alias: ["previousId", "userId", "anonymousId", "context", "timestamp", "messageId", "integrations"],
};
const REQUIRED = { track: "event", group: "groupId", alias: "previousId" };
const MAX_MESSAGE_BYTES = 32 * 1024;
const COLLECTION = /^[a-z0-9](?:[a-z0-9_]{0,98}[a-z0-9])?$/;

function missing(v) {
  return v === undefined || v === null || v === "";
}

function makeSegment(errors, sink) {
  const { ValidationError } = errors;
  const api = {};
  for (const type of Object.keys(FIELDS)) {
    api[type] = function (message) {
      const msg = message && typeof message === "object" ? message : {};
      const call = { type };
      for (const field of FIELDS[type]) if (msg[field] !== undefined) call[field] = msg[field];
      if (REQUIRED[type] && missing(call[REQUIRED[type]])) {
        throw new ValidationError(`${REQUIRED[type]} is required but not defined`);
      }
      if (missing(call.userId) && missing(call.anonymousId)) {
        throw new ValidationError("One of userId,anonymousId is required but not defined");
      }
      if (typeof call.messageId === "string" && call.messageId.length >= 100) {
        throw new ValidationError("messageId must be under 100 characters");
      }
      sink(checkSize(call, ValidationError));
    };
  }
  api.set = function (message) {
    const msg = message && typeof message === "object" ? message : {};
    const { collection, id, properties } = msg;
    if (typeof collection !== "string" || !COLLECTION.test(collection)) {
      throw new ValidationError("collection must be 1-100 lowercase letters, digits and underscores, not starting or ending with an underscore");
    }
    if (missing(id)) throw new ValidationError("id is required but not defined");
    if (String(id).length > 100) throw new ValidationError("id must be at most 100 characters");
    const props = properties && typeof properties === "object" ? properties : {};
    for (const [key, value] of Object.entries(props)) {
      if (value !== null && typeof value === "object") {
        throw new ValidationError(`properties.${key} must be a primitive value (string, number, boolean or null), not ${Array.isArray(value) ? "an array" : "an object"}`);
      }
    }
    sink(checkSize({ type: "set", collection, id, properties: props }, ValidationError));
  };
  return Object.freeze(api);
}

function checkSize(call, ValidationError) {
  let text;
  try {
    text = JSON.stringify(call);
  } catch (err) {
    throw new ValidationError(`the ${call.type} message cannot be serialised to JSON: ${err.message}`);
  }
  if (Buffer.byteLength(text, "utf8") > MAX_MESSAGE_BYTES) {
    throw new ValidationError("the message is too large and over the maximum 32KB limit");
  }
  return text; // the JSON text is the snapshot: later mutation of the handler's objects does not change the call
}

module.exports = { makeSegment, MAX_MESSAGE_BYTES };
