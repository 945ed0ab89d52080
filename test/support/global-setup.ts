import type { TestProject } from 'vitest/node';
import { startDynamoDb } from '../../local/dynamodb.ts';
import { freePort } from '../../local/ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** Starts DynamoDB Local once for all test files; stops it (and its Java process) at the end. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDb({ port: await freePort() });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
