import type { TestProject } from 'vitest/node';
import { startDynamoDb } from '../../local/dynamodb.ts';
import { freePort } from '../../local/ports.ts';
import { buildBrowserScripts } from '../../scripts/build-browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * Once for all test files: bundles the pages' browser code (the dashboard serves it) and starts
 * DynamoDB Local; stops it (and its Java process) at the end.
 */
export default async function setup(project: TestProject) {
  buildBrowserScripts();
  const dynamo = await startDynamoDb({ port: await freePort() });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
