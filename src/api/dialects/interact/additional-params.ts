import { ValidationError } from '../../../core/errors.js';
import { FormBodyError, parseForm } from '../../formats/form.js';

const MAX_PARAMS = 100;

/**
 * Reads `additionalParams` (`var1=value1&var2=value2`) as a query string is read: names and values
 * URL-decoded (`%C3%A9` is é, `+` a space), percent-escapes that are not UTF-8 refused. A name given
 * twice is refused too: which of its values the SMS should show would be a guess.
 */
export function parseAdditionalParams(
  raw: string | undefined,
  field = 'additionalParams',
): Map<string, string> {
  const values = new Map<string, string>();
  if (raw === undefined) return values;
  let fields: ReturnType<typeof parseForm>;
  try {
    fields = parseForm(raw, { maxFields: MAX_PARAMS });
  } catch (error) {
    if (error instanceof FormBodyError) throw new ValidationError(`${field}: ${error.message}`, field);
    throw error;
  }
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new ValidationError(`${field} names ${name} more than once`, field);
    values.set(name, value);
  }
  return values;
}
