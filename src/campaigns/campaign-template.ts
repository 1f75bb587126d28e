/**
 * Campaign texts are templates: `{{name}}` (spaces inside the braces allowed) is replaced by the
 * send's value for `name`; a placeholder the send gives no value for is left exactly as written,
 * so a missing value shows in the SMS instead of silently vanishing.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The template with every placeholder that has a value filled in. */
export function fillTemplate(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(PLACEHOLDER, (placeholder, name: string) => values.get(name) ?? placeholder);
}

/** The placeholder names a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}
