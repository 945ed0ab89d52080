import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SENDER_EMAIL, SettingsError, settingsFromContext } from '../../cdk/settings.ts';
import { buildStack, logicalIdOf, roleStatements } from './support.ts';

const settingsOf = (context: Record<string, string>) => settingsFromContext(new App({ context }).node);

describe('settings from context', () => {
  it('falls back to example values so that a bare synth works', () => {
    expect(settingsOf({})).toEqual({
      senderEmail: EXAMPLE_SENDER_EMAIL,
      publicUrl: undefined,
      sesConfigurationSet: undefined,
      timeZone: 'UTC',
      defaultOwnerId: undefined,
      tokenTtlDays: 30,
      alarmEmail: undefined,
      throttle: { rateLimit: 50, burstLimit: 100 },
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
        }),
      },
    });
    const ses = roleStatements(
      template,
      logicalIdOf(stack, stack.functions['dispatch-campaign'].role),
    ).filter((statement) => statement.Action === 'ses:SendEmail');
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
});
