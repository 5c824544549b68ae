// srcfn's handler runtime. A generated Source Function holds the spec as data (SOURCE), its onRequest and
// readEvent, and the declarations of these files that they use: generator/render_handler.py trims them.
// Top-level declarations only: a handler's top level may run once per request, so nothing is built there.

function readBody(request) {
  try {
    return request.json();
  } catch (err) {
    // The parser's own message differs between Node versions; keep the error stable.
    throw new InvalidEventPayload("The webhook body is not valid JSON");
  }
}

// Calls are made only once a whole event has been read: an event that fails makes none.
function emit(calls) {
  for (const [method, message] of calls) Segment[method](message);
}
