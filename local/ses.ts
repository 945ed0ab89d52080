import type { Server } from 'node:http';
import * as sesModule from 'aws-ses-v2-local';

export interface RunningSes {
  url: string;
  stop: () => Promise<void>;
}

type StartServer = (config: { host?: string; port?: number }) => Promise<Server>;

/** The package is CommonJS with `exports.default`: tsx/Node and vitest expose it differently. */
const resolveStart = (): StartServer => {
  const mod = sesModule as unknown as { default?: StartServer | { default?: StartServer } };
  const candidate = typeof mod.default === 'function' ? mod.default : mod.default?.default;
  if (typeof candidate !== 'function') throw new Error('aws-ses-v2-local: no server export found');
  return candidate;
};

/** The local SES (SESv2 API, inbox UI at `/`, JSON at `/store`), in this process. */
export const startSes = async (port: number): Promise<RunningSes> => {
  const server = await resolveStart()({ host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
