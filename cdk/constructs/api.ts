import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_ROUTE, type HttpFunctionName, ROUTES } from '#functions/routes';
import type { NpsLoopSettings, RouteClass, Throttle } from '../settings.ts';

export interface ApiProps {
  /** Per route class, and the stage default (`fallback`) that only `$default` falls to. */
  throttle: NpsLoopSettings['throttle'];
}

/**
 * The throttle class of a route, by its path: survey links `/s/…` and `/leave/…`, unsubscribe links `/u/…`, the
 * sign-in routes `/auth/…`, the admin API `/api/…` and its dashboard. A route in none of them fails the synth, so a new route
 * cannot silently fall to the fallback limits.
 */
export const routeClassOf = (routeKey: string): RouteClass => {
  const path = routeKey.split(' ')[1] ?? '';
  if (path.startsWith('/s/') || path.startsWith('/leave/')) return 'survey';
  if (path.startsWith('/u/')) return 'unsubscribe';
  if (path.startsWith('/auth/')) return 'auth';
  if (path.startsWith('/api/') || path === '/dashboard') return 'admin';
  throw new Error(
    `route "${routeKey}" has no throttle class: give its path one in routeClassOf (cdk/constructs/api.ts)`,
  );
};

/** A route's settings on the stage, as CloudFormation's RouteSettings map spells them. */
const routeThrottle = ({ rateLimit, burstLimit }: Throttle) => ({
  ThrottlingRateLimit: rateLimit,
  ThrottlingBurstLimit: burstLimit,
});

/**
 * Access log line: JSON, one request per line. It logs the route key, never the raw path: survey
 * and unsubscribe paths carry the survey token, which is a credential.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/**
 * Why each function's routes have no API Gateway authorizer (cdk-nag APIG4). Typed by the HTTP
 * function list, so a new HTTP function must state its own reason.
 */
const NO_AUTHORIZER_REASON: Record<HttpFunctionName, string> = {
  'survey-page':
    'Public survey link: the signed, expiring token in the path is the credential, verified by the function.',
  'submit-response':
    'Public survey answer: the signed, expiring token in the path is the credential, verified by the function.',
  'record-scan':
    'Honeypot link of the survey email, followed by mail scanners: the signed, expiring token in the path is the credential, verified by the function.',
  'leave-survey':
    'Public "why did you leave?" page of a lost customer: the signed, expiring token in the path is the credential, verified by the function.',
  unsubscribe:
    'RFC 8058 one-click unsubscribe must work without login: the signed token in the path is the credential.',
  dashboard:
    'Static page and the static OpenAPI document, with no data in them; the data comes from the /api routes, which require the admin key or a session.',
  'not-found': 'The $default route answers 404 to whatever no route matches; it reads and writes nothing.',
  'admin-api':
    'Admin routes check the caller in the function before anything else: the bearer admin key (constant-time compare with the key in Secrets Manager) or a session cookie (a hashed 256-bit id looked up in the table; writes also need its CSRF header), then the role rules.',
  auth: 'Signing in is what these routes are for: the one-time emailed token (256-bit, stored hashed, 15 minutes, single use) is the credential, checked by the function; asking for a link answers the same for any address and is rate-limited per address.',
};

/**
 * The HTTP API (API Gateway HTTP API, payload 2.0): one route per entry of functions/routes.ts, one
 * Lambda integration per function, a `$default` stage with JSON access logs, throttled route by
 * route by class (cdk/settings.ts).
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  private readonly throttle: ApiProps['throttle'];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.throttle = props.throttle;

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'nps-loop: survey pages, unsubscribe, admin API and dashboard',
      // The stage is declared below, to give it throttling and access logs.
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // The stage default: what a route without settings of its own gets, i.e. `$default` alone.
      throttle: props.throttle.fallback,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
  }

  /** The execute-api base URL, without trailing slash (the `$default` stage is served at the root). */
  get endpoint(): string {
    return this.httpApi.apiEndpoint;
  }

  /**
   * Declares exactly the routes of functions/routes.ts, each to its function's one integration,
   * with its class's throttle in the stage's route settings.
   */
  addRoutes(functions: Record<HttpFunctionName, lambda.IFunction>): void {
    const integrations = new Map<HttpFunctionName, HttpLambdaIntegration>();
    const integrationOf = (name: HttpFunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${name}-integration`, functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };

    const fallback = new apigw.HttpRoute(this, 'Route $default', {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: integrationOf(DEFAULT_ROUTE.fn),
    });
    Validations.of(fallback).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: NO_AUTHORIZER_REASON[DEFAULT_ROUTE.fn],
    });
    // HttpStage has no per-route settings; the CloudFormation stage has them (RouteSettings, by route key).
    const stage = this.stage.node.defaultChild as apigw.CfnStage;
    const routeSettings: Record<string, ReturnType<typeof routeThrottle>> = {};
    for (const { routeKey, fn } of ROUTES) {
      const [method, path] = routeKey.split(' ');
      const httpMethod = Object.values(apigw.HttpMethod).find((m) => m === method);
      if (!httpMethod || !path) throw new Error(`route key "${routeKey}" is not "METHOD /path"`);
      const route = new apigw.HttpRoute(this, `Route ${routeKey.replaceAll('/', '|')}`, {
        httpApi: this.httpApi,
        routeKey: apigw.HttpRouteKey.with(path, httpMethod),
        integration: integrationOf(fn),
      });
      Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: NO_AUTHORIZER_REASON[fn] });
      routeSettings[routeKey] = routeThrottle(this.throttle[routeClassOf(routeKey)]);
      // API Gateway refuses route settings for a route key it does not know yet ("Unable to find
      // Route by key … within the provided RouteSettings"): the stage waits for every route.
      stage.addResourceDependency(route.node.defaultChild as apigw.CfnRoute);
    }
    stage.routeSettings = routeSettings;
  }
}
