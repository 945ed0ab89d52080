import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import type { ThemeDefinition } from '../themes/tagging.ts';
import { mainTable } from './db.ts';
import { themeDefinitionsModel } from './model.ts';
import { themeDefinitionsItem } from './schemas.ts';

export interface ThemeDefinitions {
  themes: ThemeDefinition[];
  updatedAt: string | null;
}

/**
 * The theme definitions, read fresh on every call (one GetItem), as the routing rules are: a
 * theme saved by the admin tags the very next answer, on every Lambda instance.
 */
export const getThemeDefinitions = async (): Promise<ThemeDefinitions> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: themeDefinitionsModel.key() }),
  );
  if (!out.Item) return { themes: [], updatedAt: null };
  const item = themeDefinitionsItem.parse(out.Item);
  return { themes: item.themes, updatedAt: item.updatedAt };
};

/** Replaces every definition at once: the list is the admin's whole vocabulary. */
export const putThemeDefinitions = async (
  themes: ThemeDefinition[],
  now = new Date(),
): Promise<ThemeDefinitions> => {
  const updatedAt = now.toISOString();
  await getClients().ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: { ...themeDefinitionsModel.key(), kind: themeDefinitionsModel.kind, themes, updatedAt },
    }),
  );
  return { themes, updatedAt };
};
