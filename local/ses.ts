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
  // The SES client keeps its connections open between emails; a server that drops an idle one as
  // the client reuses it fails that email with a reset, whose outcome a sender cannot know (it
  // gives the email up rather than risk sending it twice). Idle connections are kept a minute.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
