import { describe, expect, it } from 'vitest';
import { hasPermission, type Permission } from '../auth/permissions.js';
import { routerProcedures } from '../test-support/procedures.js';
import type { ProcedureMeta } from '../trpc/trpc.js';
import { AUDITED_PROCEDURES } from './actions.js';

/** Mutations members make too, audited only when a moderator or higher makes them. */
const SHARED_WITH_MEMBERS = ['question.edit'];

function mutationsByPermission() {
  return Object.entries(routerProcedures())
    .filter(([, procedure]) => procedure._def.type === 'mutation')
    .map(([path, procedure]) => ({
      path,
      permission: (procedure._def.meta as ProcedureMeta | undefined)?.permission,
    }));
}

const needsModerator = (permission: Permission | undefined) =>
  permission !== undefined && !hasPermission('member', permission);

describe('which procedures the audit log records', () => {
  it('records every mutation that needs a moderator or higher', () => {
    const mutations = mutationsByPermission();
    const missing = mutations
      .filter(
        ({ path, permission }) => needsModerator(permission) && !Object.hasOwn(AUDITED_PROCEDURES, path),
      )
      .map(({ path }) => path);
    expect(missing).toEqual([]);
    // The check above sees the permissions: tenant procedures declare theirs.
    expect(mutations.filter(({ permission }) => needsModerator(permission)).length).toBeGreaterThan(20);
  });

  it('records nothing else, apart from the moderators’ use of what members may do too', () => {
    const byPath = new Map(mutationsByPermission().map(({ path, permission }) => [path, permission]));
    const unexpected = Object.keys(AUDITED_PROCEDURES).filter(
      (path) =>
        !byPath.has(path) || (!needsModerator(byPath.get(path)) && !SHARED_WITH_MEMBERS.includes(path)),
    );
    expect(unexpected).toEqual([]);
  });
});
