import type { FastifyRequest } from 'fastify';
import { parseForm } from '../../formats/form.js';
import { JasminError } from './jasmin-replies.js';

/** A request's arguments, each once (Jasmin reads the first of a repeated one). */
export type JasminArgs = ReadonlyMap<string, string>;

/** The arguments of a GET's query and a POST's urlencoded form together (Jasmin merges them). */
export function jasminArgs(request: FastifyRequest): Map<string, string> {
  const args = new Map<string, string>();
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const add = (fields: Record<string, string | string[]>) => {
    for (const [name, value] of Object.entries(fields)) {
      if (!args.has(name)) args.set(name, Array.isArray(value) ? (value[0] ?? '') : value);
    }
  };
  try {
    add(parseForm(query));
  } catch {
    throw new JasminError(400, 'Arguments are not valid UTF-8');
  }
  if (request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) {
    add(request.body as Record<string, string | string[]>);
  }
  return args;
}

/**
 * Refuses what Jasmin's validator refuses before anything else: an argument it does not know
 * (`Argument _ is unknown.`) and a missing mandatory one (`Mandatory argument _ is not found.`).
 */
export function checkArgs(args: JasminArgs, known: ReadonlySet<string>, mandatory: readonly string[]): void {
  for (const name of args.keys()) {
    if (!known.has(name)) throw new JasminError(400, `Argument ${name} is unknown.`);
  }
  for (const name of mandatory) {
    if (!args.has(name)) throw new JasminError(400, `Mandatory argument ${name} is not found.`);
  }
}

/** `Argument <name> has an invalid value: <value>.` */
export function invalidValue(name: string, value: string): JasminError {
  return new JasminError(400, `Argument ${name} has an invalid value: ${value}.`);
}
