"use strict";
// srcfn's Node worker: JSON lines on stdin/stdout. One handler per worker.
//   in:  {op: "load", source, filename, isolation, timeout_ms, deployed, facts (Segment's, from core/segment.py),
//         now_ms (null, or the fixed time the handler's Date reports), marker_fd (null, or a descriptor where the
//         id of the invocation whose synchronous code runs is kept: 8 bytes, little-endian, 0 for none)}
//        {op: "invoke", id, request: {method, url, headers, body}, settings, http: [stubs], fetch: "stub"|"bridge"|"network"}
//        {op: "fetch_result", fid, response: {status, headers, body}} | {op: "fetch_result", fid, error}
//        {op: "replay", ...} {op: "replay_line", ...}: the worker reads an NDJSON file itself (replay.js)
//   out: {op: "ready"} {op: "loaded"} {op: "load_error", error}
//        {op: "result", id, calls, error: null | {type, message, outcome, stack}, logs, duration_ms}
//        (outcome: the Segment error class the error is an instance of, "Timeout", "request", or "other")
//        {op: "fetch", id, fid, request: {url, method, headers, body}}
// Results may arrive out of order; `id` pairs them with their invocation.

const fs = require("fs");
const { AsyncLocalStorage } = require("async_hooks");
const { Sandbox } = require("./sandbox");
const { Invocation, BINDINGS } = require("./invocation");
const { buildRequest } = require("./request");
const { fetcher, settleBridged } = require("./fetch");
const { send, writeLine, flush } = require("./output");
const { Replay } = require("./replay");

// Handlers can reach the real `process` (vm is not a sandbox): signalling is taken away, so a handler cannot
// stop srcfn (`process.kill(process.ppid)`); the environment is already minimal (transport.py, WORKER_ENV).
process.kill = () => {
  throw new Error("process.kill is not available to Source Functions run by srcfn");
};

let sandbox = null;
let options = null;
let warmOnRequest = null;
let warmCurrent = null;
const warmStore = new AsyncLocalStorage();
let warmChain = Promise.resolve();

function describe(err) {
  if (err === null || typeof err !== "object") {
    return { type: typeof err, message: String(err), outcome: "other" };
  }
  const type = typeof err.name === "string" && err.name ? err.name : (err.constructor && err.constructor.name) || "Error";
  const errors = sandbox ? sandbox.errors : {};
  const segmentClass = Object.keys(errors).find((name) => err instanceof errors[name]);
  const out = { type, message: String(err.message === undefined ? err : err.message), outcome: segmentClass || err.outcome || "other" };
  if (typeof err.stack === "string") out.stack = err.stack;
  return out;
}

// The marker (see `load`): read by the driver when this worker stops answering, to name the runaway.
const markBuffer = Buffer.alloc(8);
function mark(id) {
  if (options.marker_fd === null || options.marker_fd === undefined) return;
  markBuffer.writeBigInt64LE(BigInt(id));
  fs.writeSync(options.marker_fd, markBuffer, 0, 8, 0);
}

function load(msg) {
  try {
    sandbox = new Sandbox(msg.source, msg.filename, msg.isolation || "scope", msg.facts, msg.now_ms);
    options = msg;
    send({ op: "loaded" });
  } catch (err) {
    send({ op: "load_error", error: describe(err) });
  }
}

// Invocations waiting for a scope context (see MAX_CONTEXTS in sandbox.js), in arrival order.
const waiting = [];

function invoke(msg) {
  const slot = sandbox.acquire();
  if (!slot) return new Promise((resolve) => waiting.push(() => invoke(msg).then(resolve)));
  const built = buildRequest(msg.request || {}, options.deployed, slot.parse, sandbox.facts);
  if (built.reject) {
    sandbox.release(slot, false);
    if (waiting.length) waiting.shift()();
    send({ op: "result", id: msg.id, calls: [], logs: [], duration_ms: 0, error: { ...built.reject, outcome: "request" } });
    return Promise.resolve();
  }
  if (msg.bare && !isBareBody(built.request)) {
    // replay: not a webhook body this side can run (not JSON, not an object, a fixture): the driver decides
    sandbox.release(slot, false);
    if (waiting.length) waiting.shift()();
    send({ op: "line", id: msg.id, text: msg.request.body });
    return Promise.resolve("handed over");
  }
  const inv = new Invocation(msg.id, sandbox.errors, sandbox.facts, fetcher);
  inv.stubs = msg.http || [];
  inv.fetchMode = msg.fetch || "stub";
  const started = process.hrtime.bigint();
  let done = false;
  return new Promise((resolve) => {
    // `error` is what the handler threw or rejected with: null, undefined, 0 or "" are failures too.
    const finish = (error, timedOut, failed = true) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      inv.close();
      sandbox.release(slot, timedOut);
      if (waiting.length) waiting.shift()();
      const duration_ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Calls are already JSON text (the snapshot taken when the handler made them): splice, don't re-encode.
      const head = { op: "result", id: msg.id, error: failed ? describe(error) : null, logs: inv.logs, duration_ms };
      if (failed) head.discarded = inv.calls.length;
      const calls = failed ? "" : inv.calls.join(",");
      writeLine(JSON.stringify(head).slice(0, -1) + ',"calls":[' + calls + "]}");
      resolve();
    };
    const deadline = setTimeout(() => {
      const err = new Error(`the handler did not finish within ${options.timeout_ms} ms`);
      err.name = "Timeout";
      err.outcome = "Timeout";
      finish(err, true);
    }, options.timeout_ms);
    const start = () => {
      mark(msg.id);
      try {
        const onRequest = run(slot, inv);
        if (typeof onRequest !== "function") {
          throw new ReferenceError("onRequest is not defined: a Source Function defines `async function onRequest(request, settings)` at top level");
        }
        Promise.resolve(onRequest(built.request, msg.settings || {})).then(() => finish(null, false, false), (err) => finish(err, false));
      } catch (err) {
        finish(err, false);
      } finally {
        mark(0);
      }
    };
    // Warm mode: everything the invocation sets off (promise chains, callbacks) carries it along, so a callback
    // that outlives it finds it closed instead of finding the next invocation.
    if (sandbox.isolation === "warm") warmStore.run(inv, start);
    else start();
  });
}

// A replayed line parsed once, in the handler's realm (request.json() keeps the value for the handler).
function isBareBody(request) {
  let value;
  try {
    value = request.json();
  } catch (err) {
    return false;
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) && !("request" in value) && !("payload" in value);
}

// Runs the top level (scope/context) or reuses the warm onRequest, with the invocation's bindings.
function run(slot, inv) {
  if (sandbox.isolation === "warm") {
    warmCurrent = inv;
    sandbox.expose(slot, inv);
    if (!warmOnRequest) warmOnRequest = slot.factory(...BINDINGS.map((name) => delegate(name)));
    return warmOnRequest;
  }
  sandbox.expose(slot, inv);
  return slot.factory(...inv.bindings());
}

// Warm mode: the top level ran once, so its bindings forward to the invocation whose work is running (the async
// context's), not to whichever invocation started last.
function delegate(name) {
  const current = () => {
    const inv = warmStore.getStore() || warmCurrent;
    return inv && !inv.closed ? inv.api : null;
  };
  if (name === "Segment" || name === "console") {
    return new Proxy({}, {
      get(_, prop) {
        return (...args) => {
          const api = current();
          if (api && typeof api[name][prop] === "function") return api[name][prop](...args);
          return undefined;
        };
      },
    });
  }
  return (...args) => {
    const api = current();
    return api ? api[name](...args) : undefined;
  };
}

let inFlight = 0;
let replaying = null;

// An invocation counted in flight (stdin's end waits for it); warm mode runs them one at a time.
function invokeCounted(msg) {
  inFlight++;
  const done = (outcome) => {
    inFlight--;
    return outcome;
  };
  if (sandbox.isolation === "warm") return (warmChain = warmChain.then(() => invoke(msg)).then(done));
  return invoke(msg).then(done);
}

function handle(msg) {
  switch (msg.op) {
    case "load":
      return load(msg);
    case "invoke":
      invokeCounted(msg);
      return undefined;
    case "fetch_result":
      return settleBridged(msg);
    case "replay":
      try {
        replaying = new Replay(msg, invokeCounted, send);
      } catch (err) {
        return send({ op: "replay_error", message: String(err.message) });
      }
      return replaying.run().catch((err) => send({ op: "replay_error", message: String(err.message) }));
    case "replay_line":
      return replaying.resume(msg);
    default:
      throw new Error(`unknown op ${JSON.stringify(msg.op)}`);
  }
}

let buffer = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  flush(); // what finished before this chunk is out before any new invocation can block the loop
  const lines = (buffer + chunk).split("\n");
  buffer = lines.pop(); // an incomplete last line waits for the next chunk
  for (const line of lines) if (line) handle(JSON.parse(line));
});
// At end of input, finish what is in flight (each invocation is bounded by its timeout), flush, then exit.
process.stdin.on("end", () => {
  const exitWhenIdle = () => {
    if (inFlight > 0) return setTimeout(exitWhenIdle, 5);
    flush();
    process.exit(0);
  };
  exitWhenIdle();
});
send({ op: "ready" });
