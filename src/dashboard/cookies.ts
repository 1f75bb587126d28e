/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'smsgate_session';
/** Before sign-in: the token the login form must echo (double submit), so logins cannot be forged. */
export const LOGIN_CSRF_COOKIE = 'smsgate_login_csrf';

/** Reads one cookie from a `Cookie` header; undefined when absent or malformed. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    // Our values are base64url; anything else is not ours.
    return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * A `Set-Cookie` value: HttpOnly (page scripts never read it), SameSite=Strict (no other site's
 * page sends it), scoped to /dashboard, Secure when the request came over HTTPS.
 */
export function cookieHeader(
  name: string,
  value: string,
  options: { readonly secure: boolean; readonly maxAgeSeconds?: number },
): string {
  const parts = [`${name}=${value}`, 'Path=/dashboard', 'HttpOnly', 'SameSite=Strict'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** A `Set-Cookie` value that removes the cookie. */
export function clearedCookieHeader(name: string, secure: boolean): string {
  return cookieHeader(name, '', { secure, maxAgeSeconds: 0 });
}
