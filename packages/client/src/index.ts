export type {
  MeetingPresenceEvent,
  StreamEvent,
  StreamResyncEvent,
  TenantEvent,
} from '@pulsestage/contracts';
export { createPulseStageClient, type PulseStageClient, type PulseStageClientOptions } from './client.js';
export {
  type AccessDeniedCode,
  AccessDeniedError,
  asAccessDenied,
  isPulseStageError,
  type PulseStageError,
} from './errors.js';
export type { EventStreamOptions, ReceivedEvent } from './events.js';
