import { z } from 'zod';
import { ConflictError, NotFoundError } from '../errors.ts';
import { mainTable, queryPages } from './db.ts';
import { writeUnlessErased } from './erasure.ts';
import { caseModel, churnMarkModel, customerModel, responseModel } from './model.ts';
import { attributes, caseStatus } from './schemas.ts';

/** How a customer was lost, as whoever marked it knows: they left (why), or we ended it. */
export const CHURN_KINDS = ['natural', 'competitor', 'our-fault', 'ended-by-us'] as const;
export type ChurnKind = (typeof CHURN_KINDS)[number];
export const churnMark = z.object({
  customerId: z.string(),
  kind: z.enum(CHURN_KINDS),
  /** The day the customer was lost (YYYY-MM-DD, the account's calendar). */
  on: z.string(),
  note: z.string().optional(),
  markedAt: z.string(),
});
export type ChurnMark = z.infer<typeof churnMark>;

/**
 * Marks a customer churned (a later mark replaces an earlier one), only beside a customer record
 * that is there (404 otherwise) and never once the erasure began (409: its tombstone is checked in
 * the same transaction, as every write of a customer's data is).
 */
export const putChurnMark = async (mark: ChurnMark): Promise<void> => {
  const outcome = await writeUnlessErased(
    mark.customerId,
    {
      Put: {
        TableName: mainTable(),
        Item: { ...churnMarkModel.key(mark.customerId), ...churnMarkModel.listed(mark.customerId), ...mark },
      },
    },
    [
      {
        ConditionCheck: {
          TableName: mainTable(),
          Key: customerModel.key(mark.customerId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
    ],
  );
  if (outcome === 'erased') throw new ConflictError('this customer was erased', 'customer_erased');
  if (outcome === 'refused') throw new NotFoundError('customer not found');
};

/** Every churn mark. */
export const allChurnMarks = async (): Promise<ChurnMark[]> => {
  const marks: ChurnMark[] = [];
  for await (const page of queryPages(churnMarkModel.all()))
    marks.push(...page.map((i) => churnMark.parse(i)));
  return marks;
};

/** What retention reads of an answer: whose, which score, when first given, and its segments. */
export const answerFacts = z.object({
  customerId: z.string(),
  score: z.number().int(),
  firstAnsweredAt: z.string(),
  campaignId: z.string(),
  ownerId: z.string().optional(),
  attributes: attributes.default({}),
  themes: z.array(z.string()).optional(),
});
export type AnswerFacts = z.infer<typeof answerFacts>;

/** The answers last changed at or after `since` (a bounded key range of the answers listing). */
export async function* answersSince(since: Date): AsyncGenerator<AnswerFacts[]> {
  const query = responseModel.answered(since, undefined);
  for await (const page of queryPages({
    ...query,
    ProjectionExpression: 'customerId, score, firstAnsweredAt, campaignId, ownerId, #attributes, themes',
    ExpressionAttributeNames: { ...query.ExpressionAttributeNames, '#attributes': 'attributes' },
  })) {
    yield page.map((item) => answerFacts.parse(item));
  }
}

/** The customers with a case not yet resolved: whose detractor answer is being worked on. */
export const customersWithOpenCases = async (): Promise<Set<string>> => {
  const open = caseStatus.options.filter((s) => s !== 'resolved');
  const customers = new Set<string>();
  for (const status of open) {
    const query = caseModel.byStatus(status);
    for await (const page of queryPages({ ...query, ProjectionExpression: 'customerId' })) {
      for (const item of page) if (typeof item.customerId === 'string') customers.add(item.customerId);
    }
  }
  return customers;
};
