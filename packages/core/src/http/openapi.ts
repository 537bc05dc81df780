import { z } from 'zod';
import { toSnake } from './lib/casing.js';
import type { RouteId } from './options.js';
import type { ResolvedHttpOptions } from './resolve-options.js';
import type { ServedRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Renames the properties of an object schema (and of each branch of a union), deeply when asked. */
function renameProperties(schema: JsonSchema, rename: (name: string) => string, deep: boolean): JsonSchema {
  const out: JsonSchema = { ...schema };
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) out[keyword] = branches.map((branch: JsonSchema) => renameProperties(branch, rename, deep));
  }
  if (deep && typeof schema.items === 'object' && schema.items !== null) out.items = renameProperties(schema.items as JsonSchema, rename, deep);
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties) {
    out.properties = Object.fromEntries(Object.entries(properties).map(([name, value]) => [rename(name), deep ? renameProperties(value, rename, deep) : value]));
  }
  if (Array.isArray(schema.required)) out.required = (schema.required as string[]).map(rename);
  return out;
}

function wireName(resolved: ResolvedHttpOptions, id: RouteId): (name: string) => string {
  const aliases = resolved.routeOptions[id]?.fields ?? {};
  return (name) => aliases[name] ?? (resolved.casing === 'snake' ? toSnake(name) : name);
}

function withConfirmation(schema: JsonSchema, field: string): JsonSchema {
  const properties = { ...(schema.properties as Record<string, JsonSchema> | undefined), [field]: { type: 'string', description: 'Must equal the new password.' } };
  const required = [...((schema.required as string[] | undefined) ?? []), field];
  return { ...schema, properties, required };
}

/** The JSON Schemas of a route's body and path parameters, as the client spells them (casing, aliases, confirmation). */
export function routeSchemas(route: ServedRoute, resolved: ResolvedHttpOptions): { body?: JsonSchema; params?: JsonSchema } {
  const out: { body?: JsonSchema; params?: JsonSchema } = {};
  if (route.bodySchema) {
    let body = jsonSchema(route.bodySchema, 'input');
    if (route.passwordField && resolved.passwordConfirmation) body = withConfirmation(body, `${route.passwordField}Confirmation`);
    out.body = renameProperties(body, wireName(resolved, route.id as RouteId), false);
  }
  if (route.params) out.params = jsonSchema(route.params, 'input');
  return out;
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    retryAfter: z.number().int().optional(),
  }),
});

function successSchema(route: ServedRoute, resolved: ResolvedHttpOptions): JsonSchema {
  if (resolved.formatSuccess || resolved.routeOptions[route.id as RouteId]?.response) return {};
  const data = route.responseSchema;
  const schema = data === undefined ? z.object({ data: z.object({ message: z.string() }) }) : z.object({ data });
  const json = jsonSchema(schema, 'output');
  return resolved.casing === 'snake' ? renameProperties(json, toSnake, true) : json;
}

function content(schema: JsonSchema): Record<string, unknown> {
  return { 'application/json': { schema } };
}

/**
 * The OpenAPI 3.1 document of the routes, generated from the same zod schemas the flows
 * validate with, in the wire format the options produce (paths, casing, aliases).
 */
export function openApiDocument(resolved: ResolvedHttpOptions, basePath: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = { description: 'Error', content: content(resolved.formatError ? {} : jsonSchema(errorSchema, 'output')) };
  const headerParameters = resolved.requiredHeaders.map(([name]) => ({ name, in: 'header', required: true, schema: { type: 'string' } }));
  for (const route of resolved.routes) {
    const path = route.path.replace(/:([^/]+)/g, '{$1}');
    const schemas = routeSchemas(route, resolved);
    const parameters: Record<string, unknown>[] = [];
    for (const name of Object.keys((schemas.params?.properties as Record<string, unknown> | undefined) ?? {})) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    if (!route.raw && !route.link) parameters.push(...headerParameters);
    const responses: Record<string, unknown> = {};
    if (route.raw) {
      responses['200'] = { description: route.summary, content: content({ type: 'object' }) };
      if (route.absentWhen !== undefined) responses['404'] = { ...errorResponse, description: route.absentWhen };
    } else {
      const status = String(resolved.routeOptions[route.id as RouteId]?.status ?? route.status);
      responses[status] = { description: 'Success', content: content(successSchema(route, resolved)) };
      if (route.link && resolved.linkRedirect) responses['303'] = { description: 'Redirect to the app' };
      responses['4XX'] = errorResponse;
      responses['5XX'] = errorResponse;
    }
    const operation: Record<string, unknown> = { operationId: route.id, summary: route.summary, tags: ['auth'], responses };
    if (parameters.length > 0) operation.parameters = parameters;
    if (schemas.body) operation.requestBody = { required: true, content: content(schemas.body) };
    if (route.auth === 'bearer') operation.security = [{ bearerAuth: [] }];
    if (route.auth === 'optional') operation.security = [{}, { bearerAuth: [] }];
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  const info: Record<string, unknown> = { title: resolved.openapi.title, version: resolved.openapi.version };
  if (resolved.openapi.description !== undefined) info.description = resolved.openapi.description;
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: basePath === '' ? '/' : basePath }],
    paths,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
