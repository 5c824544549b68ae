// Zendesk ticket webhooks → the Object API (tickets collection) and a Track call for new tickets.
var COLLECTION = 'tickets';

function ticketProperties(ticket) {
  return {
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    requester_email: ticket.requester.email,
    tags: ticket.tags.join(',')
  };
}

async function onRequest(request, settings) {
  var payload = request.json();
  var ticket = payload.ticket;
  Segment.set({ collection: COLLECTION, id: String(ticket.id), properties: ticketProperties(ticket) });
  if (payload.type === 'ticket.created') {
    Segment.track({
      event: 'Ticket Created',
      userId: String(ticket.requester.id),
      properties: { ticket_id: ticket.id, priority: ticket.priority }
    });
  }
}
