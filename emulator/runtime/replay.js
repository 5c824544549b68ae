"use strict";
// `srcfn replay`: the worker reads its own byte range of an NDJSON file and runs each line, so no driver process
// sits on the hot path. A line belongs to the range holding its first byte. Bare webhook bodies (the common case)
// run here; any other line (a fixture, JSON this side cannot take, bytes that are not UTF-8) goes to the driver,
// which is the authority on fixtures and on located errors, and answers with the request to run or a skip.
//   in:  {op: "replay", path, start, end, url, window, settings, fetch}
//        {op: "replay_line", id, request?, settings?, http?}   (the driver's answer to a "line"; no request: skip)
//   out: {op: "line", id, text | base64}   results as {op: "result", id, ...} with id = the line number in the range
//        {op: "progress", byte, line}  every line before byte `byte` (the first `line` lines) has its result out
//        {op: "replay_done", lines}   {op: "replay_error", message} (the file cannot be read)
const fs = require("fs");
const { isUtf8 } = require("buffer");

const CHUNK = 1 << 20;
const TURN = 64; // lines between turns of the event loop
const PIPE_LIMIT = 1 << 22; // bytes of results waiting for the driver before reading more lines
// Python's whitespace (str.strip), so a line is blank here exactly when the driver would call it blank.
const BLANK = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
const NEWLINE = 0x0a;

class Replay {
  constructor(msg, invoke, send) {
    this.msg = msg;
    this.invoke = invoke;
    this.send = send;
    this.fd = fs.openSync(msg.path, "r");
    this.buf = Buffer.alloc(0);
    this.bufStart = msg.start; // file offset of buf[0]
    this.eof = false;
    this.line = 0; // lines of the range read so far
    this.open = new Map(); // line → its first byte, for lines without a result yet (in line order)
    this.waiters = [];
    this.lastProgress = msg.start;
    this.next = msg.start; // the first byte of the next line to read
  }

  async run() {
    let at = this.msg.start;
    if (at > 0 && this.byteAt(at - 1) !== NEWLINE) at = this.lineEnd(at); // that line is the previous range's
    while (at !== null && at < this.msg.end) {
      const end = this.lineEnd(at);
      const stop = end === null ? this.bufStart + this.buf.length : end - 1; // end: just past the newline
      if (end === null && stop === at) break; // the file ends with a newline: no line after it
      this.line++;
      if (this.line % TURN === 0) await this.turn();
      if (this.open.size >= this.msg.window) await this.slot();
      this.start(this.line, at, this.buf.subarray(at - this.bufStart, stop - this.bufStart));
      at = this.next = end === null ? stop : end;
      if (at - this.lastProgress > CHUNK) this.progress();
    }
    while (this.open.size) await this.slot();
    fs.closeSync(this.fd);
    this.progress();
    this.send({ op: "replay_done", lines: this.line });
  }

  // One line: run a bare body here, hand anything else to the driver.
  start(n, first, bytes) {
    this.open.set(n, first);
    if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (!isUtf8(bytes)) return this.send({ op: "line", id: n, base64: bytes.toString("base64") });
    const text = bytes.toString("utf8");
    if (BLANK.test(text)) return this.done(n);
    const request = { method: "POST", url: this.msg.url, headers: {}, body: text };
    this.run1({ id: n, request, settings: this.msg.settings, http: [], bare: true });
  }

  // The driver's answer to a line it was handed.
  resume(msg) {
    if (!this.open.has(msg.id)) return;
    if (!msg.request) return this.done(msg.id);
    this.run1(msg);
  }

  // `bare`: the worker runs the line if it is a webhook body, or hands it to the driver (no result yet).
  run1(msg) {
    this.invoke({ op: "invoke", fetch: this.msg.fetch, ...msg }).then((outcome) => {
      if (outcome !== "handed over") this.done(msg.id);
    });
  }

  done(n) {
    this.open.delete(n);
    const wake = this.waiters.shift();
    if (wake) wake();
  }

  slot() {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  // Invocations settle in microtasks, so without this the loop would never let the event loop turn: results
  // would wait in the outbox, the driver's answers on stdin. When the driver reads slower than lines run, wait
  // for the pipe to drain, so memory stays flat on both sides.
  async turn() {
    await new Promise((resolve) => setImmediate(resolve));
    if (process.stdout.writableLength > PIPE_LIMIT) await new Promise((resolve) => process.stdout.once("drain", resolve));
  }

  // A checkpoint: the first line without a result (or the next line to read), and how many lines precede it.
  progress() {
    const oldest = this.open.size ? this.open.entries().next().value : null;
    this.lastProgress = this.next;
    this.send({ op: "progress", byte: oldest ? oldest[1] : this.next, line: oldest ? oldest[0] - 1 : this.line });
  }

  // The offset just past the newline ending the line at `at`; null when the file ends first.
  lineEnd(at) {
    for (;;) {
      const i = this.buf.indexOf(NEWLINE, at - this.bufStart);
      if (i !== -1) return this.bufStart + i + 1;
      if (this.eof) return null;
      this.fill(at);
    }
  }

  byteAt(at) {
    const b = Buffer.alloc(1);
    return fs.readSync(this.fd, b, 0, 1, at) === 1 ? b[0] : null;
  }

  // Drop what precedes `keep` and append the next chunk: memory is one chunk plus the longest line.
  fill(keep) {
    const rest = this.buf.subarray(keep - this.bufStart);
    const chunk = Buffer.allocUnsafe(CHUNK);
    const n = fs.readSync(this.fd, chunk, 0, CHUNK, keep + rest.length);
    if (n === 0) this.eof = true;
    this.buf = Buffer.concat([rest, chunk.subarray(0, n)]);
    this.bufStart = keep;
  }
}

module.exports = { Replay };
