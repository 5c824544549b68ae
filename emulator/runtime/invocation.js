"use strict";
// One invocation: its buffered calls, captured logs and timers, and the bindings its handler code sees.
// Every binding closes over its invocation, so a late callback of a finished invocation is dropped,
// never written into another invocation's results.

const util = require("util");
const { makeSegment } = require("./segment");

const LOG_LEVELS = ["log", "info", "warn", "error", "debug", "trace"];

class Invocation {
  constructor(id, errors, facts, fetcher) {
    this.id = id;
    this.facts = facts;
    this.calls = [];
    this.logs = [];
    this.timers = new Map(); // handle → its clear function
    this.closed = false;
    this.errors = errors;
    this.fetcher = fetcher;
    this._api = null;
  }

  // The invocation's own globals, by name (built once).
  get api() {
    if (!this._api) {
      this._api = {
        Segment: makeSegment(this.errors, this.facts, (call) => {
          if (!this.closed) this.calls.push(call);
        }),
        console: this.console(),
        fetch: (url, init) => (this.closed ? new Promise(() => {}) : this.fetcher(this, url, init)),
        setTimeout: this.scheduler(setTimeout, clearTimeout, true),
        setInterval: this.scheduler(setInterval, clearInterval, false),
        setImmediate: this.scheduler(setImmediate, clearImmediate, true),
        clearTimeout: (h) => this.cancel(h),
        clearInterval: (h) => this.cancel(h),
        clearImmediate: (h) => this.cancel(h),
      };
    }
    return this._api;
  }

  bindings() {
    return BINDINGS.map((name) => this.api[name]);
  }

  console() {
    const out = {};
    for (const level of LOG_LEVELS) {
      const prefix = level === "log" || level === "info" ? "" : `[${level}] `;
      out[level] = (...args) => {
        if (!this.closed) this.logs.push(prefix + util.format(...args));
      };
    }
    return Object.freeze(out);
  }

  scheduler(schedule, clear, once) {
    return (fn, ...rest) => {
      if (this.closed || typeof fn !== "function") return undefined;
      const handle = schedule((...args) => {
        if (once) this.timers.delete(handle);
        if (!this.closed) fn(...args);
      }, ...rest);
      this.timers.set(handle, clear);
      return handle;
    };
  }

  cancel(handle) {
    const clear = this.timers.get(handle);
    if (clear) {
      this.timers.delete(handle);
      clear(handle);
    }
  }

  close() {
    this.closed = true;
    for (const [handle, clear] of this.timers) clear(handle);
    this.timers.clear();
  }
}

// The names the handler's code resolves to the invocation's own bindings (in bindings() order).
const BINDINGS = ["Segment", "console", "fetch", "setTimeout", "clearTimeout", "setInterval", "clearInterval",
                  "setImmediate", "clearImmediate"];

module.exports = { Invocation, BINDINGS };
