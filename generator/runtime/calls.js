// Calls: the spec's calls (SOURCE.calls) turned into Segment messages for one event, in order. An entry applies
// when its `on` names the webhook type and its `when` holds; MAKE maps its `call` to the function making it.

// The calls of the entries that apply to the event, appended to `out` in order.
function collect(entries, s, meta, out) {
  for (const c of entries) {
    if ((c.on && !c.on.includes(s.type)) || (c.when && !value(c.when, s))) continue;
    MAKE[c.call](c, s, meta, out);
  }
  return out;
}

function makeMessage(c, s, meta, out) {
  out.push(finish(c.call, message(c, s), meta));
}

// Segment.set: the Object API takes a collection, an id and properties only.
function makeObject(c, s, meta, out) {
  const m = { collection: c.collection, id: undefined, properties: undefined };
  for (const [k, e] of c.fields) m[k] = text(value(e, s));
  m.properties = c.propertiesFrom ? value(c.propertiesFrom, s) : properties(c.properties, s);
  out.push(["set", m]);
}

// A group of calls, made once per item of its `each` array when it has one.
function makeGroup(c, s, meta, out) {
  if (!c.each) return collect(c.calls, s, meta, out);
  const list = value(c.each, s);
  if (Array.isArray(list)) for (let i = 0; i < list.length; i++) collect(c.calls, bind(s, c.as, list[i], c.index, i), meta, out);
}

// A function of the spec's folder that returns calls: [{type, ...fields}], each finished like the spec's own.
function makeFunctionCalls(c, s, meta, out) {
  const made = FUNCTIONS[c.function](...c.args.map((e) => value(e, s)));
  if (!Array.isArray(made)) throw new TypeError(c.function + " must return an array of calls");
  for (const m of made) {
    const { type, ...fields } = m || {};
    if (!Object.hasOwn(Segment, type)) throw new TypeError(c.function + " returned a call of unknown type " + JSON.stringify(type));
    out.push(type === "set" ? [type, fields] : finish(type, fields, meta));
  }
}

// A track, identify, group, page, screen or alias message, without messageId, timestamp and integration.
function message(c, s) {
  const m = {};
  if (c.event !== undefined) m.event = c.event;
  if (c.name !== undefined) m.name = c.name;
  if (c.nameFrom) m[c.call === "track" ? "event" : "name"] = text(value(c.nameFrom, s));
  m.userId = text(value(c.userId, s));
  m.anonymousId = c.onlyWithoutUserId && m.userId !== undefined ? undefined : text(value(c.anonymousId, s));
  if (m.userId === undefined && m.anonymousId === undefined) {
    throw new ValidationError((c.label || c.event || c.name) + ": the payload gives neither a userId nor an anonymousId");
  }
  if (c.properties) m.properties = properties(c.properties, s);
  if (c.propertiesFrom) m.properties = value(c.propertiesFrom, s);
  if (c.traits) m.traits = pairs(c.traits, s);
  if (c.fields) for (const [k, e] of c.fields) m[k] = text(value(e, s));
  if (c.context) m.context = pairs(c.context, s);
  if (c.integrations) m.integrations = pairs(c.integrations, s);
  return m;
}

// The call's messageId (the event's, `-2`, `-3` ... for its second and third call), timestamp and integration.
function finish(method, m, meta) {
  const n = meta.count++;
  if (m.messageId === undefined && meta.messageId !== undefined) m.messageId = n === 0 ? meta.messageId : meta.messageId + "-" + (n + 1);
  if (m.timestamp === undefined) m.timestamp = meta.timestamp;
  m.context = { ...m.context, integration: SOURCE.integration };
  return [method, m];
}

// Named properties: a name reads the spec's property table, [name, expression] is the call's own value.
function properties(list, s) {
  const out = {};
  for (const p of list) {
    const v = typeof p === "string" ? value(SOURCE.properties[p], s) : value(p[1], s);
    if (v !== undefined) put(out, typeof p === "string" ? p : p[0], v);
  }
  return out;
}

// [name, expression] pairs as an object; a name that is an expression (a template) is computed too. Undefined
// values are left out, null is kept.
function pairs(list, s) {
  const out = {};
  for (const [k, e] of list) {
    const name = typeof k === "string" ? k : value(k, s);
    const v = value(e, s);
    if (present(name) && v !== undefined) put(out, String(name), v);
  }
  return out;
}
