// GitHub repository webhooks → Segment. Verifies X-Hub-Signature-256 over the raw body.
async function onRequest(request, settings) {
  const raw = request.text();
  const signature = request.headers.get('X-Hub-Signature-256') || '';
  const expected = 'sha256=' + crypto.createHmac('sha256', settings.webhookSecret).update(raw).digest('hex');
  if (signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    throw new ValidationError('Invalid GitHub signature');
  }

  const event = request.headers.get('X-GitHub-Event');
  const body = request.json();
  const userId = body.sender && String(body.sender.id);

  switch (event) {
    case 'star':
      Segment.track({
        event: body.action === 'created' ? 'Repository Starred' : 'Repository Unstarred',
        userId,
        properties: { repository: body.repository.full_name, stars: body.repository.stargazers_count }
      });
      break;
    case 'issues':
      if (body.action !== 'opened') return;
      Segment.track({
        event: 'Issue Opened',
        userId,
        properties: { repository: body.repository.full_name, number: body.issue.number, title: body.issue.title }
      });
      Segment.identify({ userId, traits: { username: body.sender.login } });
      break;
    default:
      throw new EventNotSupported(`${event} is not supported`);
  }
}
