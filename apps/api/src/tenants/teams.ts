import type { Team } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { conflict } from '../errors.js';
import { insertTeam, selectTeams } from './repository.js';

export function listTeams(db: Database, tenantId: string): Promise<Team[]> {
  return selectTeams(db, tenantId);
}

export async function createTeam(db: Database, tenantId: string, name: string): Promise<Team> {
  const team = { id: crypto.randomUUID(), name };
  if (!(await insertTeam(db, tenantId, team))) throw conflict(`A team named "${name}" already exists`);
  return team;
}
