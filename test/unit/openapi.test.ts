import { describe, expect, it } from 'vitest';
import { documentedRoutes, openApiDocument } from '../../functions/openapi.ts';
import { ROUTES } from '../../functions/routes.ts';

interface Operation {
  security?: unknown[];
  parameters: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const doc = openApiDocument() as Document;
const operation = (routeKey: string): Operation => {
  const [method = '', path = ''] = routeKey.split(' ');
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${routeKey} is not in the document`);
  return op;
};

describe('the OpenAPI document', () => {
  it('documents every route of functions/routes.ts, and no route that does not exist', () => {
    const routes = ROUTES.map((r) => r.routeKey).sort();
    expect([...documentedRoutes()].sort()).toEqual(routes);
    const inDocument = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(inDocument.sort()).toEqual(routes);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes request bodies with the schemas that validate them', () => {
    const churn = operation('POST /api/customers/{id}/churn').requestBody?.content['application/json']
      ?.schema;
    expect(churn).toMatchObject({
      type: 'object',
      properties: { kind: { enum: ['natural', 'competitor', 'our-fault', 'ended-by-us'] } },
      required: ['kind'],
    });
    const answer = operation('POST /s/{token}').requestBody?.content;
    expect(answer?.['application/json']?.schema).toMatchObject({
      properties: { score: { type: 'integer', minimum: 0, maximum: 10 } },
    });
    // The survey page's form posts the same fields.
    expect(answer?.['application/x-www-form-urlencoded']).toBeDefined();
    expect(operation('POST /api/customers').requestBody?.content['application/json']?.schema).toMatchObject({
      type: 'array',
      maxItems: 1000,
    });
    expect(operation('POST /api/purchases/import').requestBody?.content['text/csv']).toBeDefined();
  });

  it('names path and query parameters, and which routes need no admin key', () => {
    const run = operation('GET /api/campaigns/{id}/runs/{runId}');
    expect(run.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(['id', 'runId']);
    expect(run.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(['limit', 'cursor']);
    expect(operation('GET /s/{token}').security).toEqual([]);
    expect(operation('GET /api/openapi.json').security).toEqual([]);
    expect(operation('GET /api/cases').security).toBeUndefined();
    for (const path of Object.values(doc.paths)) {
      for (const op of Object.values(path)) expect(Object.keys(op.responses)).toContain('4XX');
    }
  });
});
