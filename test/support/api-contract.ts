/**
 * Every response the tests receive from a local platform is checked against the OpenAPI document
 * (schemas/openapi.json, the file GET /v1/openapi.json serves): its status must be one the route declares
 * (exactly, or by its range, 4XX/5XX) and its body must validate against that response's JSON Schema, or its
 * content type be one the route declares for a file. A response that does not is an error thrown to the test
 * that fetched it.
 *
 * `checkPlatformResponses(url)` (called by startTestPlatform) wraps the global fetch once; only responses of
 * the platforms' own origins, on /v1/ paths that are routes of the document, are checked.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import document from '../../schemas/openapi.json' with { type: 'json' };

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const DOC_ID = 'openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
// The whole document as one schema resource: `$ref: '#/components/…'` inside it resolves against it.
ajv.addSchema({ ...(document as unknown as Json), $id: DOC_ID });

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The document's routes as patterns; a literal segment wins over a parameter (`/template` before `/{listId}`). */
const ROUTES = Object.entries((document as unknown as { paths: Record<string, Record<string, Operation>> }).paths)
  .flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      op,
      params: (path.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    })),
  )
  .sort((a, b) => a.params - b.params);

export function findRoute(method: string, pathname: string) {
  return ROUTES.find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
}

const validators = new Map<string, ReturnType<typeof ajv.getSchema>>();
function validatorFor(ref: string) {
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: ref }));
  return validators.get(ref);
}

/**
 * Throws unless the response is one the document allows for this route. `body` is the response's text;
 * answers the route key checked, or undefined when the path is not a route of the document.
 */
export function checkResponse(
  method: string,
  pathname: string,
  status: number,
  contentType: string | null,
  body: string,
): string | undefined {
  const route = findRoute(method, pathname);
  if (!route) return undefined;
  const key = `${route.method} ${route.path}`;
  const declared = route.op.responses[String(status)]
    ? String(status)
    : route.op.responses[`${String(status)[0]}XX`]
      ? `${String(status)[0]}XX`
      : undefined;
  if (!declared) {
    throw new Error(`API contract: ${key} answered ${status}, which the OpenAPI document does not declare`);
  }
  const types = Object.keys(route.op.responses[declared]?.content ?? {});
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!types.includes(type)) {
    throw new Error(`API contract: ${key} answered ${status} as ${type || 'no content type'}, declared: ${types}`);
  }
  if (type !== 'application/json') return key;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`API contract: ${key} answered ${status} with a body that is not JSON`);
  }
  const validate = validatorFor(
    `${DOC_ID}#/${pointer('paths', route.path, method.toLowerCase(), 'responses', declared, 'content', type, 'schema')}`,
  );
  if (!validate?.(parsed)) {
    const problems = (validate?.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    throw new Error(
      `API contract: ${key} answered ${status} with a body the document refuses:\n  ${problems.join('\n  ')}`,
    );
  }
  return key;
}

const origins = new Set<string>();
let installed = false;

/** Checks every later response of this platform (its origin) that any code of the test fetches. */
export function checkPlatformResponses(platformUrl: string): void {
  origins.add(new URL(platformUrl).origin);
  if (installed) return;
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await original(input, init);
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request?.url ?? String(input));
    if (origins.has(url.origin) && url.pathname.startsWith('/v1/')) {
      const method = init?.method ?? request?.method ?? 'GET';
      checkResponse(method, url.pathname, res.status, res.headers.get('content-type'), await res.clone().text());
    }
    return res;
  };
}
