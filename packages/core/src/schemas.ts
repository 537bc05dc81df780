import { z } from 'zod';
import { normalizeEmail } from './email.js';

/** An email address, normalized; invalid ones fail with the field code `invalid_email`. */
export const emailSchema = z
  .string()
  .max(320)
  .transform((value, context) => {
    const email = normalizeEmail(value);
    if (email === null) {
      context.addIssue({ code: 'custom', message: 'Enter a valid email address.', params: { code: 'invalid_email' } });
      return z.NEVER;
    }
    return email;
  });

// A lone UTF-16 surrogate (half of a pair): with the `u` flag a valid pair reads as one code
// point, so only a lone half matches. Such a string is not Unicode text: encoded as UTF-8 for
// the hasher, every lone surrogate becomes U+FFFD, and different passwords would hash alike.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * A password as it comes in, wherever it does (register, login, reset, change password, change
 * email): bounded so a huge body cannot buy hashing work, and well-formed Unicode, so that two
 * different passwords never hash alike; ill-formed ones fail with the field code `invalid_unicode`.
 */
export const passwordInputSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => !LONE_SURROGATE.test(value), {
    message: 'Password contains an invalid character (a lone UTF-16 surrogate). Use valid Unicode text.',
    params: { code: 'invalid_unicode' },
  });

/** A token or code as pasted by a user. */
export const tokenInputSchema = z.string().min(1).max(512);

/** Input of `login`. */
export const loginSchema = z.object({ email: emailSchema, password: passwordInputSchema });

/** Input of `register` (profile fields are checked by the app's profile schema). */
export const registerSchema = z.object({ email: emailSchema, password: passwordInputSchema });

/** Input of `refresh`. */
export const refreshSchema = z.object({ refreshToken: tokenInputSchema });
