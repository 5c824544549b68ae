// Webhook authenticity (SOURCE.signature): an HMAC of what the producer signs, or a shared secret. Checked on the
// whole request, before a batch is split; every comparison is constant-time.

function verifySignature(request, settings, body) {
  const sig = SOURCE.signature;
  const secret = settings[sig.setting];
  if (typeof secret !== "string" || secret === "") {
    throw new ValidationError("The " + sig.setting + " setting is empty: cannot verify the webhook signature");
  }
  const s = { event: body, body, request, settings, vars: {} };
  const given = text(value(sig.given, s));
  if (given === undefined) throw new ValidationError(sig.missing);
  const candidates = sig.format ? signaturesIn(given, sig.format) : [given];
  // Every candidate is checked (no early exit): during a secret rotation the producer sends several.
  let valid = false;
  if (sig.publicKey) {
    const data = Buffer.from(signedText(sig, s, body), "utf8");
    for (const candidate of candidates) valid = verifiedBy(sig, secret, data, candidate) || valid;
  } else {
    const expected = sig.algorithm ? hmacOf(sig, secret, s, body) : credential(sig.scheme, secret);
    for (const candidate of candidates) valid = sameText(candidate, expected) || valid;
  }
  if (!valid) throw new ValidationError(sig.invalid);
  if (sig.timestamp) checkTimestamp(sig, s);
}

// What the producer signs (the body with sorted keys, which survives Segment's sorting of deployed functions'
// payloads, or an expression of fields and headers), signed with the secret.
function hmacOf(sig, secret, s, body) {
  const signed = signedText(sig, s, body);
  return sig.prefix + crypto.createHmac(sig.algorithm, keyOf(secret, sig.secretEncoding)).update(signed, "utf8").digest(sig.encoding);
}

function signedText(sig, s, body) {
  const signed = sig.signed === "sorted_json" ? JSON.stringify(sortKeys(body)) : text(value(sig.signed, s));
  if (signed === undefined) throw new ValidationError("Missing the signed fields of the webhook");
  return signed;
}

// A public-key signature (Ed25519, or ECDSA P-256 with SHA-256 in DER) of the signed bytes; the setting holds the
// producer's public key as PEM or as base64 DER (SubjectPublicKeyInfo). A malformed key or signature is invalid.
function verifiedBy(sig, key, data, candidate) {
  if (!candidate.startsWith(sig.prefix)) return false;
  try {
    const publicKey = key.includes("-----BEGIN") ? crypto.createPublicKey(key)
      : crypto.createPublicKey({ key: Buffer.from(key, "base64"), format: "der", type: "spki" });
    const signature = Buffer.from(candidate.slice(sig.prefix.length), sig.encoding);
    return crypto.verify(sig.publicKey === "ed25519" ? null : "sha256", data, publicKey, signature);
  } catch (err) {
    return false;
  }
}

// The HMAC key a secret setting holds: its text, or bytes written in hex, base64, or base64 after `whsec_`.
function keyOf(secret, encoding) {
  if (encoding === "hex" || encoding === "base64") return Buffer.from(secret, encoding);
  if (encoding === "whsec") return Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return secret;
}

// The signatures under `key` in a value such as `t=1,v1=abc,v1=def` ({items: ",", pair: "=", key: "v1"}).
function signaturesIn(given, format) {
  const out = [];
  for (const item of given.split(format.items)) {
    const at = item.indexOf(format.pair);
    if (at > 0 && item.slice(0, at).trim() === format.key) out.push(item.slice(at + format.pair.length).trim());
  }
  return out;
}

// The header or parameter value a shared-secret scheme expects.
function credential(scheme, secret) {
  if (scheme === "basic") return "Basic " + Buffer.from(secret, "utf8").toString("base64");
  return scheme === "bearer" ? "Bearer " + secret : secret;
}

function checkTimestamp(sig, s) {
  const t = Number(value(sig.timestamp, s)) / (sig.timestampMs ? 1000 : 1);
  if (!Number.isFinite(t) || Math.abs(Date.now() / 1000 - t) > sig.tolerance) {
    throw new ValidationError("The webhook's timestamp is more than " + sig.tolerance + " s from now");
  }
}

function sameText(a, b) {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out = {};
  for (const k of Object.keys(v).sort()) put(out, k, sortKeys(v[k]));
  return out;
}
