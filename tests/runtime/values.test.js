// Unit tests of generator/runtime/values.js: run with `node --test tests/runtime/` (tests/test_runtime_js.py).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { eq, loadRuntime } = require("./load.js");

const rt = loadRuntime();
const scope = (event, extra = {}) => ({ event, body: event, vars: {}, settings: {}, request: { headers: new Map() }, ...extra });
const v = (e, event = {}, extra) => rt.value(e, scope(event, extra));

test("paths follow keys and indexes and stop at anything that is not there", () => {
  const event = { a: { b: [10, { c: "x" }] }, n: null };
  assert.equal(v(["path", "a", "b", 1, "c"], event), "x");
  assert.equal(v(["path", "a", "b", 5], event), undefined);
  assert.equal(v(["path", "n", "x"], event), undefined);
  assert.equal(v(["path", "a", "toString"], event), undefined, "inherited properties are not fields");
});

test("round is half away from zero, digits included", () => {
  assert.equal(v(["round", ["const", 2.5], 0]), 3);
  assert.equal(v(["round", ["const", -2.5], 0]), -3);
  assert.equal(v(["round", ["const", 1.005], 2]), 1);
  assert.equal(v(["round", ["const", 19.995], 2]), 20);
  assert.equal(v(["round", ["const", "2.5"], 0]), undefined);
});

test("arithmetic gives undefined rather than Infinity or NaN", () => {
  assert.equal(v(["divide", ["const", 1], ["const", 0]]), undefined);
  assert.equal(v(["divide", ["const", 0], ["const", 0]]), undefined);
  assert.equal(v(["multiply", ["const", 1e308], ["const", 10]]), undefined);
  assert.equal(v(["add", ["const", 1], ["const", "2"]]), undefined);
});

test("present: 0 and false are present, null and the empty string are not", () => {
  assert.equal(v(["first", ["const", null], ["const", ""], ["const", 0], ["const", 1]]), 0);
  assert.equal(v(["first", ["const", ""], ["const", false]]), false);
  assert.equal(v(["exists", ["const", null]]), false);
});

test("to_number takes decimal text only", () => {
  assert.equal(v(["to_number", ["const", " 12.5 "]]), 12.5);
  assert.equal(v(["to_number", ["const", "1e3"]]), 1000);
  assert.equal(v(["to_number", ["const", "0x10"]]), undefined);
  assert.equal(v(["to_number", ["const", ""]]), undefined);
  assert.equal(v(["to_number", ["const", "Infinity"]]), undefined);
});

test("timestamps: from and to Unix time, ISO 8601 parsed strictly", () => {
  assert.equal(v(["from_unix_seconds", ["const", 0]]), "1970-01-01T00:00:00.000Z");
  assert.equal(v(["from_unix_millis", ["const", 1767225600123]]), "2026-01-01T00:00:00.123Z");
  assert.equal(v(["from_unix_seconds", ["const", 1e20]]), undefined, "past year 9999");
  assert.equal(v(["to_iso_timestamp", ["const", "2026-01-15T10:00:00+02:00"]]), "2026-01-15T08:00:00.000Z");
  assert.equal(v(["to_iso_timestamp", ["const", "2026-02-30"]]), undefined, "an impossible date");
  assert.equal(v(["to_iso_timestamp", ["const", "15/01/2026"]]), undefined);
  assert.equal(v(["to_unix_seconds", ["const", "1969-12-31T23:59:59.5Z"]]), -1);
  assert.equal(v(["to_unix_millis", ["const", "2026-01-15"]]), 1768435200000);
});

test("text operations count code points and trim JavaScript's whitespace", () => {
  assert.equal(v(["length", ["const", "a🙂"]]), 2);
  assert.equal(v(["trim", ["const", "\u00a0 x\t\n"]]), "x");
  assert.equal(v(["replace", ["const", "a.b.c"], ".", "-"]), "a-b-c", "find is text, not a pattern");
  eq(v(["split", ["const", "a,,b"], ","]), ["a", "", "b"]);
  assert.equal(v(["concat", ["const", "a"], ["const", null], ["const", 1]]), "a1");
  assert.equal(v(["concat", ["const", null], ["const", {}]]), undefined);
});

test("objects drop undefined values and keep null", () => {
  eq(v(["object", { a: ["const", null], b: ["path", "missing"] }]), { a: null });
  eq(v(["fields", ["const", { a: 1, b: 2 }], ["b"]]), { a: 1 });
  eq(v(["merge", ["const", { a: 1 }], ["const", "x"], ["const", { a: 2, b: 3 }]]), { a: 2, b: 3 });
});

test("each binds its item and index, filters, and leaves out undefined results", () => {
  const event = { items: [{ p: 1 }, { p: 5 }, {}] };
  const e = ["each", ["path", "items"], "it", "i", ["greater_than", ["var", "it", "p"], 0], ["add", ["var", "it", "p"], ["var", "i"]]];
  eq(v(e, event), [1, 6]);
  eq(v(["each", ["path", "items"], "it", null, null, ["var", "it", "p"]], event), [1, 5]);
});

test("lookup reads the table by the key's text; get reads a field named by a value", () => {
  assert.equal(v(["lookup", ["const", 7], { 7: "seven" }]), "seven");
  assert.equal(v(["lookup", ["const", "toString"], { a: 1 }, ["const", "none"]]), "none");
  assert.equal(v(["get", ["const", 1], ["const", ["a", "b"]]]), "b");
});

test("md5 and sha256 hash the UTF-8 text", () => {
  assert.equal(v(["md5", ["const", "ana@example.com"]]), "cdb9d6a1dddc375a09cc83e3001598dc");
  assert.equal(v(["sha256", ["const", "é"]]), "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
});
