// Loads srcfn's handler runtime (generator/runtime/*.js) into a fresh context, as a generated handler holds it,
// with the globals Segment's runtime gives a Source Function. Returns the context: its functions are the
// runtime's top-level declarations.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const crypto = require("node:crypto");

const RUNTIME = path.join(__dirname, "..", "..", "generator", "runtime");

class ValidationError extends Error {}
class InvalidEventPayload extends Error {}
class EventNotSupported extends Error {}

function loadRuntime(extra = {}) {
  const context = vm.createContext({ crypto, Buffer, URL, console, ValidationError, InvalidEventPayload, EventNotSupported, ...extra });
  for (const file of fs.readdirSync(RUNTIME).filter((f) => f.endsWith(".js")).sort()) {
    vm.runInContext(fs.readFileSync(path.join(RUNTIME, file), "utf8"), context, { filename: file });
  }
  // Every operation under its spec name, as a generated handler's OPS maps them.
  vm.runInContext(
    "var OPS = {}; for (const name of Object.getOwnPropertyNames(globalThis)) if (/^op[A-Z]/.test(name)) " +
      "OPS[name.slice(2).replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase())] = globalThis[name];",
    context,
  );
  return context;
}

// Deep equality across the context boundary: the runtime's objects have the context's prototypes.
function eq(actual, expected, message) {
  require("node:assert/strict").deepEqual(JSON.parse(JSON.stringify(actual)), expected, message);
}

module.exports = { eq, loadRuntime, ValidationError };
