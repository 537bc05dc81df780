import { z } from 'zod';
import type { UserIdKind } from '../ports/store.js';
import type { SchemaContext } from './route.js';

const isoDate = z.iso.datetime();

/** The schemas routes build their bodies and responses from, for an app's profile and transport. */
export function schemaContext(profile: z.ZodObject, options: { refreshInBody: boolean; userIds: UserIdKind }): SchemaContext {
  const user = z.object({
    id: options.userIds === 'integer' ? z.number().int().positive() : z.string(),
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
  const tokens = z.object({
    accessToken: z.string(),
    ...(options.refreshInBody ? { refreshToken: z.string().optional() } : {}),
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
  return { profile, user, tokens, session };
}
