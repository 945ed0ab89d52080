import { Logger } from '@aws-lambda-powertools/logger';

/** Level from POWERTOOLS_LOG_LEVEL (the local runtime sets WARN to keep the console readable). */
export const logger = new Logger({ serviceName: 'nps-loop' });
