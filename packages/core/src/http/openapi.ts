import { z } from 'zod';
import { toSnake } from './lib/casing.js';
import type { RouteId } from './options.js';
import type { ResolvedHttpOptions } from './resolve-options.js';
import type { RouteDefinition } from './routes.js';

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
export function routeSchemas(route: RouteDefinition, resolved: ResolvedHttpOptions): { body?: JsonSchema; params?: JsonSchema } {
  const out: { body?: JsonSchema; params?: JsonSchema } = {};
  if (route.body) {
    let body = jsonSchema(route.body, 'input');
    if (route.passwordField && resolved.passwordConfirmation) body = withConfirmation(body, `${route.passwordField}Confirmation`);
    out.body = renameProperties(body, wireName(resolved, route.id), false);
  }
  if (route.params) out.params = jsonSchema(route.params, 'input');
  return out;
}

const isoDate = z.iso.datetime();

function userSchema(profile: z.ZodObject): z.ZodObject {
  return z.object({
    id: z.string(),
    email: z.string(),
    ...profile.shape,
    emailVerified: z.boolean(),
    emailVerifiedAt: isoDate.nullable(),
    role: z.string(),
    status: z.enum(['pending', 'active', 'disabled']),
    createdAt: isoDate,
    updatedAt: isoDate,
    lastLoginAt: isoDate.nullable(),
  });
}

function dataSchema(id: RouteId, profile: z.ZodObject, refreshInBody: boolean): z.ZodType | null {
  const user = userSchema(profile);
  const tokens = z.object({
    accessToken: z.string(),
    ...(refreshInBody ? { refreshToken: z.string().optional() } : {}),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().describe('Seconds until the access token expires'),
  });
  const session = z.object({
    id: z.string(),
    createdAt: isoDate,
    lastUsedAt: isoDate,
    expiresAt: isoDate,
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean(),
  });
  switch (id) {
    case 'register':
      return z.object({ user, tokens: tokens.nullable(), verificationRequired: z.boolean() });
    case 'login':
      return z.object({ user, tokens });
    case 'refresh':
      return z.object({ tokens });
    case 'logoutAll':
      return z.object({ count: z.number().int() });
    case 'verifyEmail':
    case 'verifyEmailLink':
      return z.object({ user, tokens: tokens.nullable() });
    case 'confirmEmailChange':
    case 'confirmEmailChangeLink':
    case 'getProfile':
    case 'updateProfile':
    case 'replaceProfile':
      return z.object({ user });
    case 'listSessions':
      return z.object({ sessions: z.array(session) });
    default:
      return null;
  }
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    retryAfter: z.number().int().optional(),
  }),
});

function successSchema(route: RouteDefinition, resolved: ResolvedHttpOptions, profile: z.ZodObject): JsonSchema {
  if (resolved.formatSuccess || resolved.routeOptions[route.id]?.response) return {};
  const data = dataSchema(route.id, profile, resolved.cookie === null);
  const schema = data === null ? z.object({ data: z.object({ message: z.string() }) }) : z.object({ data });
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
export function openApiDocument(resolved: ResolvedHttpOptions, profile: z.ZodObject, basePath: string): Record<string, unknown> {
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
      if (route.id === 'jwks') responses['404'] = errorResponse;
    } else {
      const status = String(resolved.routeOptions[route.id]?.status ?? (route.id === 'register' ? 201 : 200));
      responses[status] = { description: 'Success', content: content(successSchema(route, resolved, profile)) };
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
