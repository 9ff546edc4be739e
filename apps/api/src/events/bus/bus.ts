/**
 * What instances tell each other. Notifications carry no event data: a receiver reads what it has not
 * seen from the outbox, so a lost notification delays delivery but never loses an event.
 */
export type BusMessage =
  /** The tenant's outbox holds events up to `seq`. */
  | { kind: 'events'; tenantId: string; seq: number }
  /** Someone's access to the tenant changed: open streams must check theirs again. */
  | { kind: 'access'; tenantId: string };

export interface EventBus {
  publish(message: BusMessage): Promise<void>;
  /** Every message published by any instance, this one included. */
  onMessage(listener: (message: BusMessage) => void): void;
  close(): Promise<void>;
}

export const BUS_CHANNEL = 'pulsestage_events';

export function encodeBusMessage(message: BusMessage): string {
  return message.kind === 'events' ? `e:${message.tenantId}:${message.seq}` : `a:${message.tenantId}`;
}

export function decodeBusMessage(text: string): BusMessage | undefined {
  const [kind, tenantId, seq] = text.split(':');
  if (!tenantId) return undefined;
  if (kind === 'a') return { kind: 'access', tenantId };
  if (kind !== 'e' || !seq || !/^\d+$/.test(seq)) return undefined;
  const sequence = Number(seq);
  return Number.isSafeInteger(sequence) ? { kind: 'events', tenantId, seq: sequence } : undefined;
}
