/**
 * The API as a child process on 127.0.0.1, with its own SQLite data directory, seeded with the demo
 * tenants. It can be stopped and started again on the same port and data, as a deployment restarts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiProcess } from '@pulsestage/test-harness/process';

export class ApiServer {
  private constructor(
    private process: ApiProcess,
    private readonly dataDir: string,
  ) {}

  get url(): string {
    return this.process.url;
  }

  static async start(): Promise<ApiServer> {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulsestage-client-test-'));
    return new ApiServer(await ApiProcess.start({ name: 'api', env: { DATA_DIR: dataDir } }), dataDir);
  }

  /** Stops the process with `signal` (SIGKILL: a crash) and starts it again on the same port and data. */
  async restart(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    this.process = await this.process.restart(signal);
  }

  /** Stops the process and deletes its data. */
  async dispose(): Promise<void> {
    try {
      await this.process.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}
