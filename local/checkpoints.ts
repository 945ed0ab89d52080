import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where each stream consumer has got to in each shard, like an event source mapping's position. */
export interface CheckpointStore {
  get(consumer: string, shardId: string): string | undefined;
  set(consumer: string, shardId: string, sequenceNumber: string): void;
}

export const memoryCheckpoints = (): CheckpointStore => {
  const positions = new Map<string, string>();
  return {
    get: (c, s) => positions.get(`${c}/${s}`),
    set: (c, s, seq) => void positions.set(`${c}/${s}`, seq),
  };
};

/** Kept in a file beside the data, so a restart of `npm start` resumes where it stopped. */
export const fileCheckpoints = (path: string): CheckpointStore => {
  let positions: Record<string, string> = {};
  try {
    positions = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch {
    positions = {};
  }
  mkdirSync(dirname(path), { recursive: true });
  return {
    get: (c, s) => positions[`${c}/${s}`],
    set: (c, s, seq) => {
      positions[`${c}/${s}`] = seq;
      writeFileSync(`${path}.tmp`, JSON.stringify(positions));
      renameSync(`${path}.tmp`, path);
    },
  };
};
