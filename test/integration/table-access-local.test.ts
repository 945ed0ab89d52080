import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { runAsFunction } from '../../local/table-access-check.ts';
import { getClients } from '../../shared/clients.ts';
import { config } from '../../shared/config.ts';
import { customerModel, inviteModel, ownerModel } from '../../shared/store/model.ts';
import { useLocalStack } from '../support/local-stack.ts';

/**
 * The local stack holds each handler to its IAM grant (cdk/table-access.ts), so every integration
 * test that drives a handler also proves its code stays inside the grant. Here, the check itself.
 */
describe('the local stack enforces each function’s table grant', () => {
  useLocalStack();
  const get = (pk: { pk: string; sk: string }) =>
    getClients().ddb.send(new GetCommand({ TableName: config().TABLE_NAME, Key: pk }));

  it('lets survey-page read an invite, and nothing else', async () => {
    await expect(runAsFunction('survey-page', () => get(inviteModel.key('inv1')))).resolves.toBeDefined();
    await expect(runAsFunction('survey-page', () => get(ownerModel.key('alice')))).rejects.toThrow(
      /survey-page is not granted get .* partition OWNER#alice/,
    );
    await expect(runAsFunction('survey-page', () => get(customerModel.key('c1')))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('refuses a Scan to every function, even one granted reads', async () => {
    const scan = () => getClients().ddb.send(new ScanCommand({ TableName: config().TABLE_NAME, Limit: 1 }));
    await expect(runAsFunction('admin-api', scan)).rejects.toThrow(/admin-api is not granted scan/);
  });

  it('leaves code outside any handler (tests, tools) unchecked', async () => {
    await expect(get(ownerModel.key('alice'))).resolves.toBeDefined();
  });
});
