import { z } from 'zod';

/**
 * The profile fields an app gets when it declares none: all optional strings.
 *
 * @example
 * ```ts
 * import { defaultProfileSchema } from '@gatehouse-auth/core';
 * defaultProfileSchema.parse({ firstName: 'Ada' }); // { firstName: 'Ada' }
 * ```
 */
export const defaultProfileSchema = z.object({
  firstName: z.string().trim().min(1).max(100).optional(),
  lastName: z.string().trim().min(1).max(100).optional(),
  phone: z.string().trim().regex(/^\+?[0-9 ().-]{4,32}$/, 'Enter a valid phone number.').optional(),
  username: z.string().trim().min(3).max(50).regex(/^[\p{L}\p{N}._-]+$/u, 'Use letters, digits, dots, dashes and underscores.').optional(),
});

/** A zod object schema declaring profile fields. */
export type ProfileSchema = z.ZodObject;

/** The profile type of {@link defaultProfileSchema}. */
export type DefaultProfile = z.output<typeof defaultProfileSchema>;

/** Fields that belong to the account itself and can never be profile fields. */
export const RESERVED_PROFILE_FIELDS: readonly string[] = [
  'id',
  'email',
  'emailVerified',
  'emailVerifiedAt',
  'password',
  'passwordHash',
  'role',
  'status',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
];
