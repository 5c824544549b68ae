// Webhook signatures (SOURCE.signature): an HMAC of the body, given in a header.

function verifySignature(request, settings, body) {
  const sig = SOURCE.signature;
  const secret = settings[sig.setting];
  if (typeof secret !== "string" || secret === "") {
    throw new ValidationError("The " + sig.setting + " setting is empty: cannot verify the webhook signature");
  }
  const given = request.headers.get(sig.header);
  if (!given) {
    throw new ValidationError("Missing " + sig.header + " header");
  }
  // Signed over the body re-serialised with sorted keys (which survives Segment's sorting of deployed
  // functions' payloads), or over the body as received.
  const signed = sig.sorted ? JSON.stringify(sortKeys(body)) : request.text();
  const expected = sig.prefix + crypto.createHmac(sig.algorithm, secret).update(signed, "utf8").digest(sig.encoding);
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    throw new ValidationError("Invalid " + sig.header + " signature");
  }
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}
