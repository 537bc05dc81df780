// Renders docs/http-api.md from the OpenAPI document of the default router
// (`createHttpHandler(auth).openapi('/auth')`) and the error table of `@gatehouse-auth/core/http`.
// docs/http-api.test.ts regenerates it and fails when the committed file differs; to update it:
//
//   GATEHOUSE_WRITE_DOCS=1 pnpm vitest run docs/http-api.test.ts
import { AUTH_ERROR_CODES, AuthError, createAuth, memoryStore } from '@gatehouse-auth/core';
import { createHttpHandler, HTTP_STATUS_BY_CODE, type HttpErrorCode } from '@gatehouse-auth/core/http';

type Schema = Record<string, unknown>;
type Operation = {
  operationId: string;
  summary: string;
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses: Record<string, { description: string; content?: { 'application/json': { schema: Schema } } }>;
};

const BASE = '/auth';

/** Objects every route shares, documented once under their own heading. */
const SHARED: Record<string, string> = { user: 'User', tokens: 'Tokens', 'sessions[]': 'Session' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function branches(schema: Schema): Schema[] {
  return Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]) : [schema];
}

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeOf).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.type === 'array') return `${typeOf((schema.items as Schema | undefined) ?? {})}[]`;
  if (schema.type === 'string' && schema.format === 'date-time') return 'string (ISO 8601 date-time)';
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return 'any';
}

function notes(schema: Schema): string {
  const out: string[] = [];
  const [min, max] = [schema.minLength, schema.maxLength] as [number | undefined, number | undefined];
  if (min !== undefined && max !== undefined) out.push(`${min}–${max} characters`);
  else if (max !== undefined) out.push(`at most ${max} characters`);
  else if (min !== undefined) out.push(`at least ${min} characters`);
  // Date-times carry a long generated pattern that says no more than "ISO 8601".
  if (typeof schema.pattern === 'string' && schema.format !== 'date-time') out.push(`matches ${code(schema.pattern)}`);
  if (typeof schema.description === 'string') out.push(schema.description);
  return out.join('; ');
}

interface Row {
  name: string;
  type: string;
  /** `yes`, `no`, or which variants of a one-of body require it. */
  required: string;
  notes: string;
}

/**
 * One row per field of an object schema, nested fields as dotted names. Fields named in
 * {@link SHARED} link to their shared table instead of being expanded, once `shared` knows them.
 */
function rows(schema: Schema, prefix: string, shared: Map<string, string> | null): Row[] {
  const out: Row[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  for (const [name, property] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    const objects = branches(property).filter((branch) => branch.type === 'object' && branch.properties);
    const items = property.type === 'array' ? (property.items as Schema | undefined) : undefined;
    const target = items ?? objects[0];
    const sharedName = shared && target ? SHARED[items ? `${name}[]` : name] : undefined;
    // Linked only while every route's object is the same; one that differs is expanded in place.
    if (sharedName && target && (shared?.get(sharedName) ?? JSON.stringify(target)) === JSON.stringify(target)) {
      shared?.set(sharedName, JSON.stringify(target));
      const link = `[${sharedName}](#${anchor(sharedName.toLowerCase())})`;
      const nullable = branches(property).some((branch) => branch.type === 'null');
      out.push({ name: path, type: items ? `${link}[]` : nullable ? `${link} \\| null` : link, required: required.has(name) ? 'yes' : 'no', notes: notes(property) });
      continue;
    }
    out.push({ name: path, type: cell(typeOf(property)), required: required.has(name) ? 'yes' : 'no', notes: cell(notes(property)) });
    if (objects.length === 1 && objects[0]) out.push(...rows(objects[0], `${path}.`, shared));
    if (items?.type === 'object') out.push(...rows(items, `${path}[].`, shared));
  }
  return out;
}

function table(list: Row[]): string {
  const lines = ['| field | type | required | notes |', '| --- | --- | --- | --- |'];
  for (const row of list) lines.push(`| ${code(row.name)} | ${row.type} | ${row.required} | ${row.notes} |`);
  return lines.join('\n');
}

function authLabel(operation: Operation): string {
  const security = operation.security ?? [];
  if (security.length === 0) return 'none';
  if (security.some((entry) => Object.keys(entry).length === 0)) return 'optional bearer';
  return 'bearer';
}

function requestSection(operation: Operation, shared: Map<string, string>): string[] {
  const out: string[] = [];
  const path = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
  if (path.length > 0) out.push(`Path parameters: ${path.map((parameter) => code(parameter.name)).join(', ')}.`, '');
  const body = operation.requestBody?.content['application/json'].schema;
  if (!body) {
    out.push('Request body: none.', '');
    return out;
  }
  const variants = branches(body);
  if (variants.length === 1) {
    out.push('Request body:', '', table(rows(body, '', shared)), '');
  } else {
    out.push('Request body, one of:', '');
    variants.forEach((variant, index) => out.push(`${index + 1}. ${Object.keys((variant.properties ?? {}) as object).map(code).join(' + ')}`));
    // One table for all variants; "required" says which variants need the field.
    const merged = new Map<string, Row & { in: number[] }>();
    variants.forEach((variant, index) => {
      for (const row of rows(variant, '', shared)) {
        const seen = merged.get(row.name) ?? { ...row, in: [] };
        if (row.required === 'yes') seen.in.push(index + 1);
        merged.set(row.name, seen);
      }
    });
    const list = [...merged.values()].map((row) => ({ ...row, required: row.in.length === 0 ? 'no' : `in ${row.in.join(', ')}` }));
    out.push('', table(list), '');
  }
  return out;
}

function responseSection(operation: Operation, shared: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [status, response] of Object.entries(operation.responses)) {
    if (status === '4XX' || status === '5XX') continue;
    const schema = response.content?.['application/json'].schema;
    if (!schema) {
      out.push(`Response \`${status}\`: ${response.description.toLowerCase()}.`, '');
      continue;
    }
    if (status.startsWith('4')) {
      out.push(`Response \`${status}\`: the error envelope.`, '');
      continue;
    }
    const data = (schema.properties as Record<string, Schema> | undefined)?.data;
    if (!data) {
      out.push(`Response \`${status}\`: the document itself, without the envelope.`, '');
      continue;
    }
    const dataRows = rows(data, 'data.', shared);
    const onlyMessage = dataRows.length === 1 && dataRows[0]?.name === 'data.message';
    out.push(onlyMessage ? `Response \`${status}\`: \`{ "data": { "message": string } }\`.` : `Response \`${status}\`:`, '');
    if (!onlyMessage) out.push(table(dataRows), '');
  }
  return out;
}

function errorTable(): string {
  const auth = createAuth({ store: memoryStore(), secret: 'http-api-doc-generator-secret-32-bytes!', appUrl: 'https://app.example.com' });
  const http = createHttpHandler(auth);
  const lines = ['| code | status | message |', '| --- | --- | --- |'];
  for (const errorCode of Object.keys(HTTP_STATUS_BY_CODE) as HttpErrorCode[]) {
    const isFlowCode = (AUTH_ERROR_CODES as readonly string[]).includes(errorCode);
    const response = isFlowCode ? http.errorResponse(new AuthError(errorCode as (typeof AUTH_ERROR_CODES)[number])) : http.reject(errorCode);
    const body = JSON.parse(response.body ?? '{}') as { error: { message: string } };
    lines.push(`| ${code(errorCode)} | ${response.status} | ${cell(body.error.message)} |`);
  }
  return lines.join('\n');
}

/** The markdown of docs/http-api.md. */
export function renderHttpApi(): string {
  const auth = createAuth({ store: memoryStore(), secret: 'http-api-doc-generator-secret-32-bytes!', appUrl: 'https://app.example.com' });
  const document = createHttpHandler(auth).openapi(BASE) as { paths: Record<string, Record<string, Operation>> };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path: `${BASE}${path.replace(/\{(\w+)\}/g, ':$1')}`, operation })),
  );
  const shared = new Map<string, string>();

  const out: string[] = [
    '<!-- Generated by docs/http-api.generate.ts from the router\'s OpenAPI document. Do not edit by hand:',
    '     GATEHOUSE_WRITE_DOCS=1 pnpm vitest run docs/http-api.test.ts -->',
    '',
    '# HTTP API reference',
    '',
    'Every route of the router that `gatehouse(auth)` mounts (Express, Fastify, Hono) or that',
    '`createFetchHandler` serves, with its **default** options, mounted at `/auth` and with the default',
    'profile fields (`firstName`, `lastName`, `phone`, `username`). Paths, field names, the envelope',
    'and statuses can all be changed: see [Configuration › Router options](configuration.md#router-options).',
    'Your own router serves this same document, for your own options, at `GET /auth/openapi.json`.',
    '',
    '## Conventions',
    '',
    '- JSON in and out (`Content-Type: application/json`); bodies over 16 KiB are refused with `413`.',
    '  A trailing slash is accepted on every path.',
    '- Routes marked **bearer** need `Authorization: Bearer <accessToken>`; without a valid one they',
    '  answer `401` with a `WWW-Authenticate: Bearer` header. **Optional bearer** routes use the token',
    '  when one is sent (e.g. a verification code without the email).',
    '- Success: `{ "data": … }`; routes with nothing to return answer `{ "data": { "message": "…" } }`.',
    '- Failure: `{ "error": { "code", "message", "fields"?, "retryAfter"? } }`. `fields` lists',
    '  `{ field, code, message }` for validation errors; `retryAfter` (seconds, also sent as the',
    '  `Retry-After` header) comes with `429`.',
    '- Length limits on `password` fields are input caps; the password policy (8–128 characters,',
    '  upper and lower case and a digit by default) is checked by the flow and answers',
    '  `WEAK_PASSWORD` (`422`) with one `fields` entry per broken rule.',
    '- The route id (`register`, `getProfile`, …) is the key of the `paths` and `routes` options.',
    '',
    '## Routes',
    '',
    '| method | path | auth | route id | does |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const { method, path, operation } of operations) {
    const heading = `${method} ${path}`;
    out.push(`| ${method} | [${code(path)}](#${anchor(heading)}) | ${authLabel(operation)} | ${code(operation.operationId)} | ${cell(operation.summary)} |`);
  }
  out.push('');

  for (const { method, path, operation } of operations) {
    out.push(`### ${method} ${path}`, '', `${operation.summary}.`, '', `Route id \`${operation.operationId}\` · auth: ${authLabel(operation)}.`, '');
    out.push(...requestSection(operation, shared), ...responseSection(operation, shared));
  }

  out.push('## Shared objects', '');
  for (const name of ['User', 'Tokens', 'Session']) {
    const schema = shared.get(name);
    if (!schema) continue;
    const intro: Record<string, string> = {
      User: 'The account, with the profile fields of your `profile` schema at the top level. Never a password hash.',
      Tokens: '`refreshToken` is left out when the router runs with `refreshCookie` (it travels in the cookie instead).',
      Session: 'One live session (one login) of the caller.',
    };
    out.push(`### ${name}`, '', intro[name] ?? '', '', table(rows(JSON.parse(schema) as Schema, '', null)), '');
  }

  const errorSchema = operations.find(({ operation }) => operation.responses['4XX'])?.operation.responses['4XX']?.content?.['application/json'].schema;
  out.push('## Errors', '', 'Every error answers in this envelope:', '');
  if (errorSchema) out.push(table(rows(errorSchema, '', null)), '');
  out.push(
    'Codes and their statuses (the `statuses` router option changes a status; messages are safe to show to users):',
    '',
    errorTable(),
    '',
  );
  return `${out.join('\n').trimEnd()}\n`;
}
