import type { EventForDelivery } from '../../store/queries/events.js';

/** A body ready to POST. */
export interface WebhookPayload {
  readonly contentType: string;
  readonly body: string;
}

/**
 * Turns a stored event into the body one kind of receiver expects. Returns null when this format
 * has nothing to say about the event (the event is then marked `skipped`, not sent).
 */
export type PayloadFormat = (record: EventForDelivery) => WebhookPayload | null;
