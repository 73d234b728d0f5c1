/**
 * The route stage: a classified event in, one Notification per chosen channel out. It only
 * builds notifications; the caller writes them to the outbox.
 */
import type { Classified } from '../core/classification.js';
import type { Notification } from '../core/notification.js';
import type { RoutePolicy } from './policy.js';

export interface RouterDeps {
  readonly newId: () => string;
  readonly now: () => number;
}

export type Router = (c: Classified) => Notification[];

export function createRouter(policy: RoutePolicy, deps: RouterDeps): Router {
  return ({ event, classification: c }) => {
    const targets = policy.resolve(c);
    if (targets.length === 0) return [];
    const createdAt = deps.now();
    const item = {
      eventId: event.id,
      receivedAt: event.receivedAt,
      host: event.host,
      message: event.message,
      ruleId: c.ruleId,
      category: c.category,
      severity: c.severity,
      title: c.title,
      fields: c.fields,
    };
    return targets.map(({ channel, routeIndex }) => ({
      id: deps.newId(),
      createdAt,
      kind: c.state === 'recovery' ? 'recovery' : 'alert',
      channel,
      routeIndex,
      key: c.key,
      severity: c.severity,
      category: c.category,
      title: c.title,
      items: [item],
      suppressed: 0,
    }));
  };
}
