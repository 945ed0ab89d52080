import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SENDER_EMAIL, SettingsError, settingsFromContext } from '../../cdk/settings.ts';
import { buildStack, logicalIdOf, roleStatements } from './support.ts';

const settingsOf = (context: Record<string, string | boolean>) =>
  settingsFromContext(new App({ context }).node);

describe('settings from context', () => {
  it('falls back to example values so that a bare synth works', () => {
    expect(settingsOf({})).toEqual({
      senderEmail: EXAMPLE_SENDER_EMAIL,
      publicUrl: undefined,
      sesConfigurationSet: undefined,
      timeZone: 'UTC',
      defaultOwnerId: undefined,
      tokenTtlDays: 30,
      sesMaxSendRate: 14,
      alarmEmail: undefined,
      throttle: {
        survey: { rateLimit: 200, burstLimit: 400 },
        unsubscribe: { rateLimit: 50, burstLimit: 100 },
        auth: { rateLimit: 5, burstLimit: 10 },
        admin: { rateLimit: 50, burstLimit: 100 },
        fallback: { rateLimit: 10, burstLimit: 20 },
      },
      handlerEnv: {},
    });
  });

  it('passes the answer and retention rules to the functions only when set, validated', () => {
    const settings = settingsOf({
      segmentDimensions: 'tier, region,value',
      alertDebounceSeconds: '0',
      answerEditsPerHour: '50',
      inviteRetentionDays: '730',
    });
    expect(settings.handlerEnv).toEqual({
      SEGMENT_DIMENSIONS: 'tier,region,value',
      ALERT_DEBOUNCE_SECONDS: '0',
      ANSWER_EDITS_PER_HOUR: '50',
      INVITE_RETENTION_DAYS: '730',
    });
    const { stack } = buildStack({ context: { segmentDimensions: 'tier,plan' } });
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).length).toBeGreaterThan(5);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Environment.Variables.SEGMENT_DIMENSIONS).toBe('tier,plan');
    }
    expect(() => settingsOf({ answerEditsPerHour: '0' })).toThrow(/answerEditsPerHour.*1 to 1000/);
    expect(() => settingsOf({ segmentDimensions: 'tier;drop' })).toThrow(/segmentDimensions/);
  });

  it('passes who signs in as an admin, the session hours and the audit retention when set, validated', () => {
    expect(
      settingsOf({
        adminEmails: ' Ops@Acme.test, cto@acme.test ',
        sessionHours: '12',
        auditRetentionDays: '730',
      }).handlerEnv,
    ).toEqual({
      ADMIN_EMAILS: 'ops@acme.test,cto@acme.test',
      SESSION_HOURS: '12',
      AUDIT_RETENTION_DAYS: '730',
    });
    expect(() => settingsOf({ adminEmails: 'ops@acme.test,nobody' })).toThrow(/adminEmails.*"nobody"/);
    expect(() => settingsOf({ sessionHours: '0' })).toThrow(/sessionHours.*1 to 720/);
  });

  it('passes the value tier method and loyalty settings when set, and refuses bad ones naming the key', () => {
    expect(
      settingsOf({ valueTierMethod: 'four-way', loyaltyWeights: '2, 1,1,0', loyaltyThreshold: '0.75' })
        .handlerEnv,
    ).toEqual({ VALUE_TIER_METHOD: 'four-way', LOYALTY_WEIGHTS: '2,1,1,0', LOYALTY_THRESHOLD: '0.75' });
    expect(() => settingsOf({ valueTierMethod: 'pareto' })).toThrow(/valueTierMethod.*three-way, four-way/);
    expect(() => settingsOf({ loyaltyWeights: '1,1,1' })).toThrow(/loyaltyWeights/);
    expect(() => settingsOf({ loyaltyWeights: '0,0,0,0' })).toThrow(/loyaltyWeights/);
    expect(() => settingsOf({ loyaltyThreshold: '80' })).toThrow(/loyaltyThreshold.*0 to 1/);
  });

  it('passes strict mode against script-running mail scanners on when asked, and refuses anything but true/false', () => {
    // `-c` gives a string, cdk.json may give a JSON boolean.
    expect(settingsOf({ surveyRequirePerson: 'true' }).handlerEnv).toEqual({ SURVEY_REQUIRE_PERSON: 'true' });
    expect(settingsOf({ surveyRequirePerson: true }).handlerEnv).toEqual({ SURVEY_REQUIRE_PERSON: 'true' });
    expect(settingsOf({ surveyRequirePerson: 'false' }).handlerEnv).toEqual({
      SURVEY_REQUIRE_PERSON: 'false',
    });
    expect(() => settingsOf({ surveyRequirePerson: 'yes' })).toThrow(/surveyRequirePerson.*true or false/);
  });

  it('reads each route class its own throttle; a burst left out is at least the rate', () => {
    const { throttle } = settingsOf({
      surveyRateLimit: '500',
      surveyBurstLimit: '1000',
      unsubscribeRateLimit: '300',
      adminBurstLimit: '150',
    });
    expect(throttle).toEqual({
      survey: { rateLimit: 500, burstLimit: 1000 },
      // The default burst (100) would hold less than a second of the rate.
      unsubscribe: { rateLimit: 300, burstLimit: 300 },
      auth: { rateLimit: 5, burstLimit: 10 },
      admin: { rateLimit: 50, burstLimit: 150 },
      fallback: { rateLimit: 10, burstLimit: 20 },
    });
    // Above the account's burst quota the default burst stops there.
    expect(settingsOf({ surveyRateLimit: '8000' }).throttle.survey).toEqual({
      rateLimit: 8000,
      burstLimit: 5000,
    });
  });

  it('reads -c values, trimming the public URL of its trailing slash', () => {
    const settings = settingsOf({
      senderEmail: 'nps@acme.test',
      publicUrl: 'https://nps.acme.test/',
      timeZone: 'Europe/Paris',
      tokenTtlDays: '14',
    });
    expect(settings).toMatchObject({
      senderEmail: 'nps@acme.test',
      publicUrl: 'https://nps.acme.test',
      timeZone: 'Europe/Paris',
      tokenTtlDays: 14,
    });
  });

  it.each([
    [{ senderEmail: 'not-an-address' }, /"senderEmail" must be an email address/],
    [{ publicUrl: 'nps.acme.test' }, /"publicUrl" must be an absolute URL/],
    [{ publicUrl: 'http://nps.acme.test' }, /"publicUrl" must be an https:\/\/ URL/],
    [{ timeZone: 'Mars/Olympus' }, /"timeZone" must be an IANA time zone/],
    [{ tokenTtlDays: '0' }, /"tokenTtlDays" must be an integer from 1 to 365/],
    [{ surveyRateLimit: '0' }, /"surveyRateLimit" must be an integer from 1 to 10000, got "0"/],
    [{ surveyBurstLimit: '2.5' }, /"surveyBurstLimit" must be an integer from 1 to 5000, got "2.5"/],
    [{ unsubscribeRateLimit: 'fast' }, /"unsubscribeRateLimit" must be an integer from 1 to 10000/],
    [{ adminBurstLimit: '6000' }, /"adminBurstLimit" must be an integer from 1 to 5000, got "6000"/],
    [{ fallbackRateLimit: '20000' }, /"fallbackRateLimit" must be an integer from 1 to 10000/],
    [
      { apiRateLimit: '100' },
      /"apiRateLimit" is no longer read: .* surveyRateLimit, unsubscribeRateLimit, adminRateLimit/,
    ],
    [{ apiBurstLimit: '100' }, /"apiBurstLimit" is no longer read: .* surveyBurstLimit/],
  ])('refuses %o, naming the context key', (context, message) => {
    expect(() => settingsOf(context)).toThrow(SettingsError);
    expect(() => settingsOf(context)).toThrow(message);
  });
});

describe('stack settings', () => {
  it('warns while the example sender is in use', () => {
    const { stack } = buildStack();
    const warnings = stack.node.metadata
      .filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));
    expect(warnings.some((w) => w.includes(EXAMPLE_SENDER_EMAIL))).toBe(true);
  });

  it('uses the configured public URL, sender, configuration set and owner, and scopes SES to them', () => {
    const { stack } = buildStack({
      context: {
        senderEmail: 'nps@acme.test',
        publicUrl: 'https://nps.acme.test',
        sesConfigurationSet: 'nps-events',
        defaultOwnerId: 'owner-1',
        alarmEmail: 'oncall@acme.test',
        sesMaxSendRate: '50',
      },
    });
    const template = Template.fromStack(stack);

    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PUBLIC_URL: 'https://nps.acme.test',
          SENDER_EMAIL: 'nps@acme.test',
          SES_CONFIGURATION_SET: 'nps-events',
          DEFAULT_OWNER_ID: 'owner-1',
          SES_MAX_SEND_RATE: '50',
        }),
      },
    });
    const ses = roleStatements(template, logicalIdOf(stack, stack.functions['send-invites'].role)).filter(
      (statement) => statement.Action === 'ses:SendEmail',
    );
    expect(ses).toHaveLength(1);
    const sesResources = ((ses[0]?.Resource ?? []) as Array<{ 'Fn::Join': [string, unknown[]] }>).map((arn) =>
      String(arn['Fn::Join'][1].at(-1)),
    );
    expect(sesResources.sort()).toEqual([
      ':configuration-set/nps-events',
      ':identity/acme.test',
      ':identity/nps@acme.test',
    ]);
    expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'nps@acme.test' } });
    template.hasOutput('DashboardUrl', { Value: 'https://nps.acme.test/dashboard' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@acme.test',
    });
    expect(stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
  });

  it('throttles the routes of each class with the configured limits', () => {
    const { stack } = buildStack({
      context: {
        surveyRateLimit: '300',
        surveyBurstLimit: '600',
        adminRateLimit: '5',
        fallbackBurstLimit: '15',
      },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 15 },
      RouteSettings: Match.objectLike({
        'GET /s/{token}': { ThrottlingRateLimit: 300, ThrottlingBurstLimit: 600 },
        'POST /s/{token}': { ThrottlingRateLimit: 300, ThrottlingBurstLimit: 600 },
        'POST /u/{token}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'GET /dashboard': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 100 },
        'PATCH /api/cases/{id}': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 100 },
      }),
    });
  });
});
