import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_FUNCTIONS,
  DAILY_FUNCTIONS,
  FUNCTION_LIMITS,
  type FunctionName,
  SCHEDULED_FUNCTIONS,
  STREAM_CONSUMERS,
} from '../../functions/routes.ts';

/** Every function on a schedule: each minute, or daily. */
const ON_SCHEDULE = [...SCHEDULED_FUNCTIONS, ...Object.keys(DAILY_FUNCTIONS)].sort();

import { readBenchFigures } from '../../scripts/cost/benches.ts';
import { COLUMNS, estimate } from '../../scripts/cost/estimate.ts';
import { type CfnTemplate, type TemplateFacts, templateFacts } from '../../scripts/cost/template.ts';
import { IDLE_TICK_STEPS } from '../../scripts/cost/usage.ts';
import { DEFAULT_SEGMENT_DIMENSIONS } from '../../shared/nps/segments.ts';
import { buildStack } from './support.ts';

// The stack's own template (unbundled: the cost reads settings, not code), as `npm run cost` reads
// the one `npm run synth` writes — a synth without path metadata, so names come from logical ids.
let facts: TemplateFacts;

beforeAll(() => {
  const { stack } = buildStack();
  facts = templateFacts(Template.fromStack(stack).toJSON() as CfnTemplate);
}, 60_000);

describe('npm run cost on the real template', () => {
  it('finds every function of functions/routes.ts with its memory, on Graviton and traced', () => {
    const named = facts.functions.filter((f) => f.name !== undefined);
    expect(named.map((f) => f.name).sort()).toEqual([...ALL_FUNCTIONS].sort());
    for (const f of named) {
      expect(f.memoryMb).toBe(FUNCTION_LIMITS[f.name as FunctionName].memoryMb);
      expect(f).toMatchObject({ arch: 'arm64', traced: true });
    }
  });

  it('counts a schedule per scheduled function — every minute, the value recompute daily — each with a derived idle tick', () => {
    const byId = new Map(facts.functions.map((f) => [f.logicalId, f.name]));
    expect(facts.schedules.map((s) => byId.get(s.target ?? '')).sort()).toEqual(ON_SCHEDULE);
    for (const s of facts.schedules) {
      const name = byId.get(s.target ?? '') ?? '';
      // 03:00 daily fires 31 times in the 730-hour month counted from 1 January 2026.
      expect(s.invocationsPerMonth, name).toBe(name in DAILY_FUNCTIONS ? 31 : 43_800);
    }
    expect(Object.keys(IDLE_TICK_STEPS).sort()).toEqual(ON_SCHEDULE);
  });

  it('counts the secrets, the alarms of cdk/constructs/alarms.ts and the triggers', () => {
    const streams = Object.keys(STREAM_CONSUMERS).length;
    expect(facts.secrets).toBe(3);
    // An error alarm per function, the alert queue's dead letters, and per stream consumer its dead
    // letters and its iterator age.
    expect(facts.alarms.length).toBe(ALL_FUNCTIONS.length + 1 + 2 * streams);
    expect(facts.streamEventSources).toBe(streams);
    expect(facts.queueEventSources).toBe(1);
    expect(facts.kmsKeys).toBe(0);
  });

  it('prices it from the committed benchmark results, every figure a finite amount', () => {
    const result = estimate({
      facts,
      benches: readBenchFigures(join(process.cwd(), 'bench', 'results')),
      defaultSegmentDimensions: DEFAULT_SEGMENT_DIMENSIONS,
    });
    for (const line of result.lines) {
      for (const c of COLUMNS) expect(Number.isFinite(line.quantity[c]) && line.quantity[c] >= 0).toBe(true);
    }
    // Secrets and alarms alone are $3.30 a month; an email costs at least SES's price.
    expect(result.totals.idle).toBeGreaterThan(3.3);
    expect(result.totals.emails).toBeGreaterThan(0.1);
    expect(result.totals.answersQuiet).toBeGreaterThan(result.totals.answersBusy);
  });
});
