/**
 * Looks a property up by name the way ServiceStack binds request fields in every format: an exact
 * match first, else the first own property whose name matches ignoring letter case (C# clients
 * send `PhoneNumber`, TypeScript DTOs `phoneNumber`). Only own properties count, so names such as
 * `constructor` or `__proto__` never reach the prototype.
 *
 * @returns the value, or undefined when no property matches.
 */
export function getProperty<T>(object: Readonly<Record<string, T>>, name: string): T | undefined {
  if (Object.hasOwn(object, name)) return object[name];
  const wanted = name.toUpperCase();
  for (const key of Object.keys(object)) {
    if (key.length === name.length && key.toUpperCase() === wanted) return object[key];
  }
  return undefined;
}
