// Unit tests of generator/runtime/calls.js and flow.js: how the spec's calls become Segment messages.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { eq, loadRuntime } = require("./load.js");

function runtime(calls, extra = {}) {
  const rt = loadRuntime();
  rt.SOURCE = { integration: { name: "Acme", version: "1.0.0" }, calls, ...extra };
  rt.MAKE = { track: rt.makeMessage, identify: rt.makeMessage, set: rt.makeObject, calls: rt.makeGroup };
  return rt;
}
const scope = (event, type) => ({ event, body: event, vars: {}, type, settings: {}, request: { headers: new Map() } });

test("calls apply by type and condition, in order, with messageIds -2, -3 after the first", () => {
  const rt = runtime([
    { on: ["a"], call: "track", event: "A", userId: ["path", "u"] },
    { on: ["b"], call: "track", event: "B", userId: ["path", "u"] },
    { call: "identify", when: ["exists", ["path", "email"]], userId: ["path", "u"], traits: [["email", ["path", "email"]]] },
    { call: "track", event: "Any", userId: ["path", "u"] },
  ]);
  const out = rt.collect(rt.SOURCE.calls, scope({ u: 7, email: "e@x" }, "a"), { count: 0, messageId: "m" }, []);
  eq(out.map(([method, m]) => [method, m.event, m.userId, m.messageId]), [
    ["track", "A", "7", "m"], ["identify", null, "7", "m-2"], ["track", "Any", "7", "m-3"]]);
  eq(out[1][1].traits, { email: "e@x" });
  eq(out[0][1].context, { integration: { name: "Acme", version: "1.0.0" } });
});

test("a call with neither identity fails the event", () => {
  const rt = runtime([{ call: "track", event: "A", userId: ["path", "u"] }]);
  assert.throws(() => rt.collect(rt.SOURCE.calls, scope({}, "x"), { count: 0 }, []),
    { message: "A: the payload gives neither a userId nor an anonymousId" });
});

test("anonymousId only without a userId when the rule says so", () => {
  const rt = runtime([{ call: "track", event: "A", userId: ["path", "u"], anonymousId: ["path", "a"], onlyWithoutUserId: true }]);
  const [[, m]] = rt.collect(rt.SOURCE.calls, scope({ u: "1", a: "x" }), { count: 0 }, []);
  assert.equal(m.anonymousId, undefined);
});

test("a group repeats its calls per item; set calls carry collection, id and properties only", () => {
  const rt = runtime([{ call: "calls", each: ["path", "items"], as: "it", calls: [
    { call: "set", collection: "things", fields: [["id", ["var", "it", "id"]]], properties: [["n", ["var", "it", "n"]]] }] }]);
  const out = rt.collect(rt.SOURCE.calls, scope({ items: [{ id: 1, n: "a" }, { id: 2 }] }), { count: 0 }, []);
  eq(out, [["set", { collection: "things", id: "1", properties: { n: "a" } }],
                         ["set", { collection: "things", id: "2", properties: {} }]]);
});

test("emit makes the calls only once they are all built", () => {
  const made = [];
  const rt = loadRuntime({ Segment: { track: (m) => made.push(m) } });
  rt.emit([["track", { event: "A" }], ["track", { event: "B" }]]);
  eq(made.map((m) => m.event), ["A", "B"]);
});

test("readBody keeps the error stable whatever Node says about bad JSON", () => {
  const rt = loadRuntime();
  assert.throws(() => rt.readBody({ json: () => JSON.parse("{") }), { message: "The webhook body is not valid JSON" });
});
