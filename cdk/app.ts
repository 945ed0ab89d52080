import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildBrowserScripts } from '../scripts/build-browser.ts';
import { NpsLoopStack } from './nps-loop-stack.ts';
import { SettingsError, settingsFromContext } from './settings.ts';

/**
 * The CDK app. Settings come from context (`cdk deploy -c senderEmail=... -c publicUrl=...`, see
 * cdk/settings.ts); the stack is environment-agnostic, so it deploys to the account and region of
 * the credentials in use. cdk-nag's AWS Solutions checks run on every synth and fail it on any
 * finding that is not acknowledged, with its reason, on the construct concerned.
 */
// The dashboard function ships the pages' bundled browser code: build it from the source first.
buildBrowserScripts();
const app = new App();

try {
  const stackName = String(app.node.tryGetContext('stackName') ?? 'NpsLoop');
  new NpsLoopStack(app, stackName, {
    stackName,
    description: 'nps-loop: closed-loop Net Promoter Score (surveys, rollups, detractor alerts)',
    settings: settingsFromContext(app.node),
  });
} catch (err: unknown) {
  if (!(err instanceof SettingsError)) throw err;
  console.error(`nps-loop: ${err.message}`);
  process.exit(1);
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
