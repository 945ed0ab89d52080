import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';

/** `npm start`'s own checks, on the real entry point: it must refuse before starting anything. */
describe('npm start', () => {
  it('refuses an NPS_ADMIN_KEY shorter than the minimum, naming the variable', async () => {
    const env = {
      ...process.env,
      NPS_ADMIN_KEY: 'too-short',
      // Free ports, so that a start that wrongly goes on cannot collide with anything.
      PORT: String(await freePort()),
      SES_PORT: String(await freePort()),
      DDB_PORT: String(await freePort()),
      DEMO_WEBHOOK_PORT: String(await freePort()),
    };
    const child = spawn(process.execPath, ['local/start.ts', '--no-demo'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain('NPS_ADMIN_KEY must be at least 16 characters');
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
  });
});
