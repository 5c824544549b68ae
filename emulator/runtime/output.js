"use strict";
// The worker's stdout: one JSON message per line, batched per turn of the event loop. Results written
// before a runaway blocks the loop are safe; the driver re-runs the ones that were not.

let outbox = [];

function flush() {
  if (outbox.length === 0) return;
  const text = outbox.join("\n") + "\n";
  outbox = [];
  process.stdout.write(text);
}

function writeLine(line) {
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(line);
}

function send(message) {
  writeLine(JSON.stringify(message));
}

module.exports = { send, writeLine, flush };
