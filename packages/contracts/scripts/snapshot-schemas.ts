// Writes a JSON Schema snapshot for every published event version that has none yet, then checks
// that every existing snapshot still matches the code. Existing snapshots are never overwritten:
// a published version is frozen, so a changed schema must become a new version instead.
import { fileURLToPath } from 'node:url';
import { readSnapshots, writeMissingSnapshots } from '../src/events/snapshot-files.js';
import { currentJsonSchemas, findSchemaDrift } from '../src/events/snapshots.js';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
const current = currentJsonSchemas();

const written = writeMissingSnapshots(dir, current);
for (const { wireName, file } of written) console.log(`wrote schemas/${file} (${wireName})`);
if (written.length === 0) console.log('no new snapshots to write');

const problems = findSchemaDrift(current, readSnapshots(dir, current.keys()));
if (problems.length > 0) {
  console.error(`\n${problems.length} snapshot problem(s); existing snapshots were left untouched:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exitCode = 1;
} else {
  console.log(`all ${current.size} published schemas match their snapshots`);
}
