import { loadConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { seedDemoData } from './demo/seed.js';
import { createApp } from './http/server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.database);
  await migrateToLatest(db);
  if (config.demoMode && (await seedDemoData(db))) console.log('Seeded the demo tenants "demo" and "acme".');

  const server = createApp({ db, secureCookies: config.production, webDist: config.webDist });
  server.listen(config.port, config.host, () => {
    const where = config.database.kind === 'sqlite' ? config.database.path : 'PostgreSQL';
    console.log(`PulseStage listening on http://localhost:${config.port} (database: ${where})`);
  });

  const shutdown = (signal: string) => {
    console.log(`${signal} received, shutting down`);
    server.close(() => {
      db.destroy().finally(() => process.exit(0));
    });
    server.closeAllConnections();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
