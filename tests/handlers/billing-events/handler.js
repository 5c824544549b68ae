// Billing provider events → Track calls. Sloppy-mode script with helpers, as older functions are written.
eventNames = {
  'invoice.paid': 'Invoice Paid',
  'customer.subscription.deleted': 'Subscription Canceled'
};

function toIso(seconds) {
  return new Date(seconds * 1000).toISOString();
}

async function onRequest(request, settings) {
  var evt = request.json();
  var name = eventNames[evt.type];
  if (!name) throw new EventNotSupported(evt.type + ' is not supported');
  var obj = evt.data.object;
  var properties = { livemode: request.url.searchParams.get('env') === 'live' };
  if (evt.type === 'invoice.paid') {
    properties.revenue = obj.amount_paid / Number(settings.currencyDivisor);
    properties.currency = obj.currency.toUpperCase();
    properties.line_items = obj.lines.length;
  } else {
    properties.plan = obj.plan.nickname;
  }
  Segment.track({ event: name, userId: obj.customer, properties: properties, messageId: evt.id, timestamp: toIso(evt.created) });
}
