// Twilio SMS status callbacks (form-encoded) → Segment.
async function onRequest(request, settings) {
  const body = request.json();
  const statuses = { delivered: 'SMS Delivered', failed: 'SMS Failed', undelivered: 'SMS Failed' };
  const event = statuses[body.MessageStatus];
  if (!event) {
    throw new EventNotSupported(`status ${body.MessageStatus} is not tracked`);
  }
  if (!settings.trackDeliveries) return;

  const phone = body.To;
  Segment.track({
    event,
    anonymousId: phone,
    properties: { message_sid: body.MessageSid, from: body.From, error_code: body.ErrorCode || null }
  });
  Segment.identify({ anonymousId: phone, traits: { phone } });
}
