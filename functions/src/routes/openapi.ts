import { config } from '../config.js';
import type { HttpFunctionSpec, RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';

/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of every HTTP function, built from their route
 * tables on the first call and kept (docs/api.md#api-reference). Public, so tools can read it
 * without a token. The builder and the other functions' route tables load only here.
 */

// biome-ignore lint/suspicious/noExplicitAny: route tables of every function, whatever their context
type AnyFunctionSpec = HttpFunctionSpec<any>;

/** `own`: the function that serves the document (it cannot import itself). */
export function openApiRoute(own: () => AnyFunctionSpec): Route<RequestContext> {
  let built: Promise<unknown> | undefined;
  const build = async () => {
    const [{ buildOpenApiDocument }, { documentedFunctions }] = await Promise.all([
      import('../http/openapi/document.js'),
      import('./documentedFunctions.js'),
    ]);
    return buildOpenApiDocument(await documentedFunctions(own()), { serverUrl: config().publicBaseUrl });
  };
  return {
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    doc: {
      summary: 'This API reference',
      description:
        'The OpenAPI 3.1 document of every HTTP function of the deployment, generated from the schemas ' +
        'the routes validate with. Public.',
      success: [{ status: 200, description: 'The OpenAPI document.' }],
      errors: [],
      examples: [{ name: 'reference', summary: 'Read the document', as: 'anonymous', status: 200 }],
      schemas: async () => ({ responses: { 200: (await import('./responses.js')).openApiDocument } }),
    },
    handle: async () => {
      built ??= build().catch((error: unknown) => {
        built = undefined;
        throw error;
      });
      return { status: 200, body: await built };
    },
  };
}
