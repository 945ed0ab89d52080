import { NotFoundError } from '#shared/errors';
import { httpHandler } from '#shared/http/handler';

/**
 * The `$default` route: a request no route matches. Without it API Gateway answers its own
 * `{"message":"Not Found"}`; with it, every error of the API has the one shape `{error:{code,message}}`.
 */
export const handler = httpHandler(async (event) => {
  throw new NotFoundError(`no route for ${event.requestContext.http.method} ${event.rawPath}`);
});
