/** Events as the `parse` contract writes them (time as ISO text), for comparing with hand-written expectations. */
import { eventJsonObject, type NetworkEvent } from '../../src/model/event.js';
import type { RecordOutcome } from '../../src/parsers/types.js';

export type JsonEvent = Omit<NetworkEvent, 'time'> & { time: string };

export function asJson(event: NetworkEvent): JsonEvent {
  return eventJsonObject(event) as JsonEvent;
}

/** Every event of the outcomes, in order, in its JSON form. */
export function jsonEvents(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return outcomes.flatMap((o) => (o.kind === 'events' ? o.events.map(asJson) : []));
}
