/**
 * A short, printable excerpt of text that came from outside (a webhook receiver's answer, a
 * provider's error message) before a caller is shown it: control characters, line breaks and runs
 * of white space become one space, and at most `maxChars` characters are kept, with an ellipsis.
 */
export function publicExcerpt(text: string, maxChars: number): string {
  const clean = text
    .slice(0, maxChars * 4)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]+/gu, ' ')
    .trim();
  const chars = Array.from(clean);
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : clean;
}
