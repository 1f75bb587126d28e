const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** The `{{column}}` names a template uses. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Checks a template against the CSV's columns before anything is sent: a misspelt placeholder
 * would otherwise go out as an empty string to every contact.
 */
export function checkTemplate(template: string, columns: readonly string[]): void {
  const unknown = placeholdersOf(template).filter((name) => !columns.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `the text uses ${unknown.map((n) => `{{${n}}}`).join(', ')} but the CSV has no such column (it has ${columns.join(', ')})`,
    );
  }
}

/** The text for one row: each `{{column}}` replaced by the row's value. */
export function renderTemplate(template: string, row: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => row[name] ?? '');
}
