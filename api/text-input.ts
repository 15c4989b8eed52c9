import type { RequestHandler } from 'express';
import { AppError } from './errors';

/** A surrogate code unit not part of a pair (in Unicode mode a pair is one code point, never Cs). */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

/**
 * The path of the first string (value or key) in `value` that is not well-formed UTF-16 —
 * a lone surrogate, which JSON's \uD800 escapes can carry. PostgreSQL cannot store such text
 * and Prisma refuses to send it, so it is refused at the door instead of failing a workflow's
 * activity later. Null when every string is well formed.
 */
export function illFormedTextPath(value: unknown, path: (string | number)[] = []): string | null {
  if (typeof value === 'string') return wellFormed(value) ? null : path.join('.') || 'body';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedTextPath(value[i], [...path, i]);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (!wellFormed(key)) return path.join('.') || 'body';
      const found = illFormedTextPath(inner, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Throws the usual 400 naming the field when `value` holds text that is not valid Unicode. */
export function assertWellFormedText(value: unknown, root: string[] = []): void {
  const path = illFormedTextPath(value, root);
  if (path !== null)
    throw new AppError('VALIDATION', 'Invalid request', {
      field: path,
      errors: [{ path, message: 'must be valid Unicode text (it holds a lone surrogate)' }],
    });
}

/** Every JSON body and query string is checked before any route sees it. */
export const rejectIllFormedText: RequestHandler = (req, _res, next) => {
  try {
    assertWellFormedText(req.body);
    assertWellFormedText(req.query, ['query']);
    next();
  } catch (err) {
    next(err);
  }
};
