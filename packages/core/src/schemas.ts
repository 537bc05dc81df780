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

/** A password as typed at login: bounded so a huge body cannot buy hashing work. */
export const passwordInputSchema = z.string().min(1).max(1024);

/** A token or code as pasted by a user. */
export const tokenInputSchema = z.string().min(1).max(512);

/** Input of `login`. */
export const loginSchema = z.object({ email: emailSchema, password: passwordInputSchema });

/** Input of `register` (profile fields are checked by the app's profile schema). */
export const registerSchema = z.object({ email: emailSchema, password: passwordInputSchema });

/** Input of `refresh`. */
export const refreshSchema = z.object({ refreshToken: tokenInputSchema });
