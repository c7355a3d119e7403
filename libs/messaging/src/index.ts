export type { EventMessage, EventPublisher, EventSubscriber, EventHandler } from './event-bus.js';
export { InProcessEventBus } from './in-process-event-bus.js';

/** The topic license events travel on; the key is the account id. */
export const LICENSE_EVENTS_TOPIC = 'license-events';
