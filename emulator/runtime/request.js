"use strict";
// The `request` argument: synchronous json()/text(), WHATWG Headers and URL, and the checks Segment applies
// before a function runs (POST only, JSON or form Content-Type, the payload limit; `facts` has the values).

// Returns {request} or {reject: {type, message}} for a request Segment would refuse. `parse` is the
// handler realm's JSON.parse, so parsed objects have the handler's own prototypes.
function buildRequest(spec, deployed, parse, facts) {
  const method = (spec.method || "POST").toUpperCase();
  if (method !== "POST") {
    return { reject: { type: "MethodNotAllowed", message: `Source Functions accept only POST requests, not ${method}` } };
  }
  let contentType = "application/json";
  for (const [name, value] of Object.entries(spec.headers || {})) {
    if (name.toLowerCase() === "content-type") contentType = String(value);
  }
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  if (!facts.content_types.includes(mediaType)) {
    return { reject: { type: "UnsupportedMediaType", message: `Content-Type must be ${facts.content_types.join(" or ")}, not ${mediaType}` } };
  }
  let raw = spec.body === undefined || spec.body === null ? "" : String(spec.body);
  const size = Buffer.byteLength(raw, "utf8");
  if (size > facts.max_payload_bytes) {
    return { reject: { type: "PayloadTooLarge", message: `the payload is ${size} bytes; Segment accepts at most ${facts.max_payload_bytes} (${facts.max_payload_bytes / 1024} KiB)` } };
  }
  const form = mediaType === "application/x-www-form-urlencoded";
  if (deployed && !form) raw = sortedJson(raw);
  let parsed;
  let parseError;
  let headers;
  let url;
  // Headers and URL are built when the handler first reads them: most handlers never do.
  const request = {
    get headers() {
      if (!headers) {
        headers = new Headers();
        for (const [name, value] of Object.entries(spec.headers || {})) {
          headers.set(name, Array.isArray(value) ? value.join(",") : String(value));
        }
      }
      return headers;
    },
    get url() {
      return url || (url = new URL(spec.url));
    },
    json() {
      if (parsed === undefined && parseError === undefined) {
        try {
          parsed = form ? formObject(raw) : parse(raw);
        } catch (err) {
          parseError = err;
        }
      }
      if (parseError) throw new SyntaxError(parseError.message);
      return parsed;
    },
    text() {
      return raw;
    },
  };
  return { request };
}

// Deployed functions receive the JSON body re-serialised with its object keys sorted.
function sortedJson(raw) {
  try {
    return JSON.stringify(sortKeys(JSON.parse(raw)));
  } catch (err) {
    return raw; // not JSON: json() will throw as it does in production
  }
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== "object") return v;
  const out = {};
  for (const k of Object.keys(v).sort()) {
    // a "__proto__" key stays a key (an assignment would set the prototype instead)
    Object.defineProperty(out, k, { value: sortKeys(v[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// Form bodies: one value per field, a list when a field repeats.
function formObject(raw) {
  const out = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = v;
    else out[k] = [].concat(out[k], v);
  }
  return out;
}

module.exports = { buildRequest };
