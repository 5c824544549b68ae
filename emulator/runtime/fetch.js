"use strict";
// `fetch` inside handlers: answered by the fixture's http stubs, else bridged to Python (so `responses`
// can stub it through `requests`), else refused unless network is allowed.

const { send } = require("./output");

const pending = new Map();
let nextFid = 1;

function findStub(stubs, method, url) {
  return stubs.find((s) => (!s.method || s.method.toUpperCase() === method)
    && (s.url === url || (s.url_prefix !== undefined && url.startsWith(s.url_prefix))));
}

function stubResponse(stub) {
  const headers = new Headers(stub.headers || {});
  let body = stub.body === undefined ? "" : stub.body;
  if (typeof body !== "string") {
    body = JSON.stringify(body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return new Response(body, { status: stub.status || 200, headers });
}

async function fetcher(inv, input, init) {
  const req = new Request(input, init);
  const stub = findStub(inv.stubs, req.method, req.url);
  if (stub) return stubResponse(stub);
  if (inv.fetchMode === "bridge") return bridge(inv, req);
  if (inv.fetchMode === "network") return fetch(req);
  throw new Error(`fetch ${req.method} ${req.url}: no http stub of the fixture matches (add one to "http", or allow network)`);
}

async function bridge(inv, req) {
  const fid = nextFid++;
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.text();
  const reply = await new Promise((resolve) => {
    pending.set(fid, resolve);
    send({ op: "fetch", id: inv.id, fid, request: { url: req.url, method: req.method, headers: Object.fromEntries(req.headers), body } });
  });
  if (reply.error) throw new TypeError(`fetch ${req.method} ${req.url} failed: ${reply.error}`);
  const r = reply.response;
  return new Response(r.body, { status: r.status, headers: r.headers || {} });
}

function settleBridged(msg) {
  const resolve = pending.get(msg.fid);
  if (resolve) {
    pending.delete(msg.fid);
    resolve(msg);
  }
}

module.exports = { fetcher, settleBridged };
