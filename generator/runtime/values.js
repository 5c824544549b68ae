// Values: the spec's expressions evaluated against one event. An expression is an array whose first item names
// the operation (OPS maps the names the handler uses to the functions below); `s` is the scope: the event, the
// body, the variables of `each`, the request, the settings. An operation given a value of a type it does not
// take yields undefined, as a missing field does; undefined values are left out of objects, null is kept.

function value(e, s) {
  return e === undefined ? undefined : OPS[e[0]](e, s);
}

function opPath(e, s) {
  return dig(s.event, e, 1, s);
}

function opBody(e, s) {
  return dig(s.body, e, 1, s);
}

function opVar(e, s) {
  return dig(s.vars[e[1]], e, 2, s);
}

// Follow keys from `from` on; a key that is an array is an expression giving the key (`answers[$i]`).
function dig(v, keys, from, s) {
  for (let i = from; i < keys.length; i++) {
    const k = typeof keys[i] === "object" ? value(keys[i], s) : keys[i];
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

function opConst(e) {
  return e[1];
}

function opTemplate(e, s) {
  let out = "";
  for (let i = 1; i < e.length; i++) {
    if (typeof e[i] === "string") {
      out += e[i];
      continue;
    }
    const v = value(e[i], s);
    if (!present(v) || typeof v === "object") return undefined;
    out += String(v);
  }
  return out;
}

function opHeader(e, s) {
  return s.request.headers.get(e[1]) ?? undefined;
}

function opQuery(e, s) {
  const url = typeof s.request.url === "string" ? new URL(s.request.url) : s.request.url;
  return (url && url.searchParams.get(e[1])) ?? undefined;
}

function opSetting(e, s) {
  return s.settings[e[1]];
}

// {request: url}: the request's URL. {request: sorted_json}: the body as compact JSON, keys sorted.
// {request: sorted_form}: the body's fields sorted by name, each name followed by its value; a repeated field's
// distinct values sorted (Twilio signs its webhook URL followed by this). A nested value makes it undefined.
function opRequest(e, s) {
  if (e[1] === "url") return String(s.request.url);
  if (e[1] === "sorted_json") return JSON.stringify(sortKeys(s.body));
  if (!isObject(s.body)) return undefined;
  let out = "";
  for (const name of Object.keys(s.body).sort()) {
    const values = s.body[name];
    for (const v of Array.isArray(values) ? [...new Set(values)].sort() : [values]) {
      if (!isScalar(v)) return undefined;
      out += name + String(v);
    }
  }
  return out;
}

function opFirst(e, s) {
  for (let i = 1; i < e.length; i++) {
    const v = value(e[i], s);
    if (present(v)) return v;
  }
  return undefined;
}

function opIf(e, s) {
  return value(e[1], s) ? value(e[2], s) : value(e[3], s);
}

function opLookup(e, s) {
  const k = value(e[1], s);
  if (isScalar(k) && Object.hasOwn(e[2], String(k))) return e[2][String(k)];
  return value(e[3], s);
}

function opGet(e, s) {
  const k = value(e[1], s);
  const o = value(e[2], s);
  return (typeof k === "string" || typeof k === "number") && typeof o === "object" && o !== null && Object.hasOwn(o, k) ? o[k] : undefined;
}

// Arithmetic on numbers only; a result that is not a finite number (x / 0) is undefined.
function numbers(e, s) {
  const out = [];
  for (let i = 1; i < e.length; i++) {
    const v = value(e[i], s);
    if (typeof v !== "number") return undefined;
    out.push(v);
  }
  return out;
}

function finite(v) {
  return Number.isFinite(v) ? v : undefined;
}

function opAdd(e, s) {
  const n = numbers(e, s);
  return n && finite(n.reduce((a, b) => a + b));
}

function opSubtract(e, s) {
  const n = numbers(e, s);
  return n && finite(n[0] - n[1]);
}

function opMultiply(e, s) {
  const n = numbers(e, s);
  return n && finite(n.reduce((a, b) => a * b));
}

function opDivide(e, s) {
  const n = numbers(e, s);
  return n && finite(n[0] / n[1]);
}

// Half away from zero: 2.5 → 3, -2.5 → -3.
function opRound(e, s) {
  const v = value(e[1], s);
  if (typeof v !== "number") return undefined;
  const f = 10 ** e[2];
  return finite(Math.sign(v) * Math.round(Math.abs(v) * f) / f);
}

function opFloor(e, s) {
  const v = value(e[1], s);
  return typeof v === "number" ? Math.floor(v) : undefined;
}

function opCeil(e, s) {
  const v = value(e[1], s);
  return typeof v === "number" ? Math.ceil(v) : undefined;
}

function opAbs(e, s) {
  const v = value(e[1], s);
  return typeof v === "number" ? Math.abs(v) : undefined;
}

function opLowercase(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? v.toLowerCase() : undefined;
}

function opUppercase(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? v.toUpperCase() : undefined;
}

function opTrim(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? v.trim() : undefined;
}

function opReplace(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? v.split(e[2]).join(e[3]) : undefined;
}

function opSplit(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? v.split(e[2]) : undefined;
}

function opJoin(e, s) {
  const v = value(e[1], s);
  return Array.isArray(v) ? v.join(e[2]) : undefined;
}

// Text of the present parts one after another; undefined when no part is present.
function opConcat(e, s) {
  let out;
  for (let i = 1; i < e.length; i++) {
    const v = value(e[i], s);
    if (isScalar(v)) out = (out === undefined ? "" : out) + String(v);
  }
  return out;
}

// Characters (code points) of a string, items of an array.
function opLength(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? [...v].length : Array.isArray(v) ? v.length : undefined;
}

function opToString(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? v : isScalar(v) ? String(v) : undefined;
}

// Numbers, and text that is a decimal number (`" 12.5 "`, `"1e3"`); anything else is undefined.
function opToNumber(e, s) {
  const v = value(e[1], s);
  if (typeof v === "number") return v;
  return typeof v === "string" && /^[ \t\n\r]*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[ \t\n\r]*$/.test(v) ? finite(Number(v)) : undefined;
}

function opToBoolean(e, s) {
  return Boolean(value(e[1], s));
}

function opFromUnixSeconds(e, s) {
  const v = value(e[1], s);
  return typeof v === "number" ? isoTime(v * 1000) : undefined;
}

function opFromUnixMillis(e, s) {
  const v = value(e[1], s);
  return typeof v === "number" ? isoTime(v) : undefined;
}

function opToIsoTimestamp(e, s) {
  const ms = parseTime(value(e[1], s));
  return ms === undefined ? undefined : isoTime(ms);
}

function opToUnixSeconds(e, s) {
  const ms = parseTime(value(e[1], s));
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}

function opToUnixMillis(e, s) {
  return parseTime(value(e[1], s));
}

// An ISO 8601 timestamp for milliseconds since 1970, for the years 1 to 9999.
function isoTime(ms) {
  return Number.isFinite(ms) && ms >= -62135596800000 && ms <= 253402300799999 ? new Date(ms).toISOString() : undefined;
}

// Milliseconds since 1970 of an ISO 8601 date (`2026-01-15`, UTC midnight) or date-time (`2026-01-15T10:00:00Z`,
// `...+02:00`; UTC when it names no offset); undefined for anything else, impossible dates included.
function parseTime(v) {
  const m = typeof v === "string" && /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((x) => Number(x || 0));
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec, Number((m[7] || "").padEnd(3, "0").slice(0, 3)));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) {
    return undefined;
  }
  const zone = m[8] && m[8].toUpperCase() !== "Z" ? m[8].replace(":", "") : "";
  const offset = zone ? (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5) || 0)) : 0;
  return date.getTime() - offset * 60000;
}

function opMd5(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? crypto.createHash("md5").update(v, "utf8").digest("hex") : undefined;
}

function opSha256(e, s) {
  const v = value(e[1], s);
  return typeof v === "string" ? crypto.createHash("sha256").update(v, "utf8").digest("hex") : undefined;
}

function opJsonEncode(e, s) {
  return JSON.stringify(value(e[1], s));
}

function opJsonDecode(e, s) {
  const v = value(e[1], s);
  try {
    return typeof v === "string" ? JSON.parse(v) : undefined;
  } catch (err) {
    return undefined;
  }
}

function opObject(e, s) {
  const out = {};
  for (const k of Object.keys(e[1])) {
    const v = value(e[1][k], s);
    if (v !== undefined) put(out, k, v);
  }
  return out;
}

function opFields(e, s) {
  const o = value(e[1], s);
  if (!isObject(o)) return undefined;
  const out = {};
  for (const k of Object.keys(o)) if (!e[2].includes(k)) put(out, k, o[k]);
  return out;
}

function opMerge(e, s) {
  let out;
  for (let i = 1; i < e.length; i++) {
    const v = value(e[i], s);
    if (isObject(v)) {
      out = out || {};
      for (const k of Object.keys(v)) put(out, k, v[k]);
    }
  }
  return out;
}

// out[k] = v, except that a "__proto__" key (JSON.parse makes it an own key) stays a key: assigning it would set
// the object's prototype and the key would vanish from the call.
function put(out, k, v) {
  if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

// [each, array, item variable, index variable, filter, map]: undefined results are left out.
function opEach(e, s) {
  const list = value(e[1], s);
  if (!Array.isArray(list)) return undefined;
  const out = [];
  for (let i = 0; i < list.length; i++) {
    const inner = bind(s, e[2], list[i], e[3], i);
    if (e[4] && !value(e[4], inner)) continue;
    const v = e[5] ? value(e[5], inner) : list[i];
    if (v !== undefined) out.push(v);
  }
  return out;
}

function bind(s, name, item, index, i) {
  const vars = { ...s.vars, [name]: item };
  if (index) vars[index] = i;
  return { ...s, vars };
}

// The spec's own JavaScript functions (FUNCTIONS maps their names).
function opCall(e, s) {
  const args = [];
  for (let i = 2; i < e.length; i++) args.push(value(e[i], s));
  return FUNCTIONS[e[1]](...args);
}

function opExists(e, s) {
  return present(value(e[1], s));
}

function opEquals(e, s) {
  return same(value(e[1], s), e[2]);
}

function opOneOf(e, s) {
  const v = value(e[1], s);
  return e[2].some((x) => same(x, v));
}

function opGreaterThan(e, s) {
  const v = value(e[1], s);
  return typeof v === "number" && v > e[2];
}

function opLessThan(e, s) {
  const v = value(e[1], s);
  return typeof v === "number" && v < e[2];
}

function opNot(e, s) {
  return !value(e[1], s);
}

function opAll(e, s) {
  for (let i = 1; i < e.length; i++) if (!value(e[i], s)) return false;
  return true;
}

function opAny(e, s) {
  for (let i = 1; i < e.length; i++) if (value(e[i], s)) return true;
  return false;
}

// Present: not undefined, not null, not the empty string (0 and false are present).
function present(v) {
  return v !== undefined && v !== null && v !== "";
}

function isScalar(v) {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

// Identities and message ids: text, when present.
function text(v) {
  return present(v) && typeof v !== "object" ? String(v) : undefined;
}
