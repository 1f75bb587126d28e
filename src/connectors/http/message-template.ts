import type { OutboundMessage } from '../connector.js';

export const TEMPLATE_VARIABLES = [
  'to',
  'toDigits',
  'from',
  'fromDigits',
  'text',
  'id',
  'callbackUrl',
  'segments',
  'encoding',
] as const;
type Variable = (typeof TEMPLATE_VARIABLES)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Throws naming the first unknown `{{variable}}` anywhere in `value` (checked once, at start). */
export function checkTemplate(value: unknown, where: string): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PLACEHOLDER)) {
      if (!(TEMPLATE_VARIABLES as readonly string[]).includes(match[1]!)) {
        throw new Error(
          `${where}: unknown template variable {{${match[1]}}}; known: ${TEMPLATE_VARIABLES.join(', ')}`,
        );
      }
    }
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkTemplate(v, `${where}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) checkTemplate(v, `${where}.${key}`);
  }
}

/** The values one message gives the template variables. */
export function templateValues(
  message: OutboundMessage,
  callbackUrl: string | undefined,
): Record<Variable, string> {
  return {
    to: message.to,
    toDigits: message.to.replace(/^\+/, ''),
    from: message.from ?? '',
    fromDigits: (message.from ?? '').replace(/^\+/, ''),
    text: message.text,
    id: message.id,
    callbackUrl: callbackUrl ?? '',
    segments: String(message.segments),
    encoding: message.encoding,
  };
}

/** Fills the placeholders of a string. */
export function render(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
}

/** Fills every string in a JSON-like value; entries that render to '' are left out of objects. */
export function renderDeep(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return render(value, values);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, values));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const rendered = renderDeep(v, values);
      if (rendered !== '') out[key] = rendered;
    }
    return out;
  }
  return value;
}
