"use strict";
// Runs a handler script in node:vm contexts with Segment's globals, in one of three isolation modes:
//   scope   (default) each invocation re-runs the script's top level in a pooled context it has to itself:
//           fresh var/let/const/functions, implicit globals removed afterwards; ~3 µs instead of ~0.5 ms.
//           At most MAX_CONTEXTS contexts exist; further invocations wait for one. Objects of different
//           contexts have different hidden classes, so more contexts turn the handler's inline caches
//           megamorphic: 64 contexts made invocations three times slower than 4.
//   context a fresh vm context per invocation.
//   warm    the top level runs once; module state persists across invocations, like a warm function.
//           Invocations run one at a time so the shared bindings know whose call is whose.

const vm = require("vm");
const crypto = require("crypto");
const { BINDINGS } = require("./invocation");

const LIBRARY_GLOBALS = {
  _: "lodash 4", moment: "moment-timezone", xml: "xml", xml2js: "xml2js", jsonwebtoken: "jsonwebtoken",
  OAuth: "oauth", AWS: "aws-sdk", stripe: "stripe", twilio: "twilio",
};

function errorClass(name) {
  const cls = class extends Error {
    constructor(message) {
      super(message);
      this.name = name;
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

// Segment's error classes, by the names the driver sends (core/segment.py).
function errorClasses(names) {
  return Object.fromEntries(names.map((name) => [name, errorClass(name)]));
}

function makeCache() {
  const entries = new Map();
  return Object.freeze({
    async load(key, ttl, loader) {
      const hit = entries.get(key);
      if (hit && hit.expires > Date.now()) return hit.value;
      const value = await loader();
      entries.set(key, { value, expires: Date.now() + Number(ttl) });
      return value;
    },
    delete(key) {
      entries.delete(key);
    },
  });
}

// `--now`: the context's Date reports a fixed time (Date.now(), new Date(), Date()); dates given explicitly and
// timers are untouched. Evaluated inside the context, so `new Date() instanceof Date` still holds.
const FIXED_CLOCK = `(fixed) => {
  const RealDate = Date;
  RealDate.now = () => fixed;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [fixed], newTarget),
    apply: () => new RealDate(fixed).toString(),
  });
}`;

const MAX_CONTEXTS = 4; // V8 keeps an inline cache polymorphic up to 4 shapes

class Sandbox {
  constructor(source, filename, isolation, facts, nowMs) {
    this.isolation = isolation;
    this.nowMs = typeof nowMs === "number" ? nowMs : null;
    this.facts = facts;
    this.errors = errorClasses(facts.error_classes);
    // The wrapper makes the top level re-runnable and binds per-invocation globals lexically.
    const wrapped = `(function (${BINDINGS.join(", ")}) {${source}\n;return typeof onRequest === "function" ? onRequest : undefined;\n})`;
    this.script = new vm.Script(wrapped, { filename });
    this.shared = {
      ...this.errors, cache: makeCache(), crypto, Buffer, URL, URLSearchParams, Headers, Request, Response, FormData,
      AbortController, TextEncoder, TextDecoder, atob, btoa, structuredClone, queueMicrotask,
    };
    this.pool = [];
    this.live = 0; // scope mode: contexts in the pool or in use
    this.warm = null;
  }

  newSlot() {
    // An ordinary global object (Node >= 22.8) avoids the interceptors of a contextified sandbox.
    const ctx = vm.constants && vm.constants.DONT_CONTEXTIFY ? vm.createContext(vm.constants.DONT_CONTEXTIFY) : vm.createContext({});
    for (const [name, value] of Object.entries(this.shared)) define(ctx, name, value);
    for (const [name, lib] of Object.entries(LIBRARY_GLOBALS)) {
      Object.defineProperty(ctx, name, {
        configurable: true, enumerable: false,
        get() {
          throw new ReferenceError(`${name} is not defined: the srcfn emulator does not provide Segment's ${lib} library global`);
        },
      });
    }
    if (this.nowMs !== null) vm.runInContext(FIXED_CLOCK, ctx)(this.nowMs);
    const slot = { ctx, current: null };
    // `globalThis.Segment` and friends: getters reading the slot's current invocation, defined once.
    for (const name of BINDINGS) {
      Object.defineProperty(ctx, name, {
        configurable: true, enumerable: false,
        get: () => (slot.current ? slot.current.api[name] : undefined),
        set(value) { Object.defineProperty(ctx, name, { value, writable: true, configurable: true, enumerable: false }); },
      });
    }
    const [remove, keys, parse] = vm.runInContext("[(k) => delete globalThis[k], () => Object.keys(globalThis), JSON.parse]", ctx);
    return Object.assign(slot, { factory: this.script.runInContext(ctx), remove, keys, parse });
  }

  // A context (and the function that runs the top level in it) for one invocation; null when the
  // invocation must wait for a scope context to be released.
  acquire() {
    if (this.isolation === "context") return this.newSlot();
    if (this.isolation === "warm") return (this.warm = this.warm || this.newSlot());
    if (this.pool.length) return this.pool.pop();
    if (this.live >= MAX_CONTEXTS) return null;
    this.live++;
    return this.newSlot();
  }

  // Scope mode: remove the implicit globals the invocation created and return the context to the pool.
  // A context whose invocation timed out may still run its code later: it is dropped instead.
  release(slot, poisoned) {
    if (this.isolation !== "scope") return;
    slot.current = null;
    if (poisoned) {
      this.live--;
      return;
    }
    for (const key of slot.keys()) slot.remove(key);
    this.pool.push(slot);
  }

  // For code that reads `globalThis.Segment` and the like; plain code sees the wrapper's parameters.
  expose(slot, invocation) {
    slot.current = invocation;
  }
}

function define(target, name, value) {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}

module.exports = { Sandbox };
