/**
 * The demo tenant's sign-in credentials: the API's demo seed creates these accounts, and its tests, the
 * benchmarks and the browser tests sign in with them.
 */
import type { Role } from './primitives.js';

export const DEMO_TENANT = 'demo';
export const DEMO_PASSWORD = 'demo-password';

export const DEMO_ACCOUNTS = [
  { email: 'owner@demo.test', name: 'Olivia Owner', role: 'owner' },
  { email: 'mod@demo.test', name: 'Max Moderator', role: 'moderator' },
  { email: 'alice@demo.test', name: 'Alice', role: 'member' },
  { email: 'bob@demo.test', name: 'Bob', role: 'member' },
] as const satisfies readonly { email: string; name: string; role: Role }[];
