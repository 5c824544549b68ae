// Signup webhooks, enriched with the partner CRM's profile before identifying the user.
async function onRequest(request, settings) {
  const body = request.json();
  if (!body.user_id) {
    throw new InvalidEventPayload('user_id is missing');
  }
  const res = await fetch(`${settings.apiBase}/v2/profiles/${encodeURIComponent(body.user_id)}`, {
    headers: { Authorization: `Bearer ${settings.apiKey}`, Accept: 'application/json' }
  });
  if (res.status >= 500) {
    throw new RetryError(`CRM answered ${res.status}`);
  }
  if (!res.ok) {
    throw new Error(`CRM answered ${res.status}`);
  }
  const profile = await res.json();
  console.log('enriched', body.user_id, 'with', Object.keys(profile).length, 'fields');
  Segment.identify({ userId: body.user_id, traits: { ...profile, plan: body.plan } });
  Segment.track({ event: 'Signed Up', userId: body.user_id, properties: { plan: body.plan } });
}
