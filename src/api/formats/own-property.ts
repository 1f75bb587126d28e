/**
 * Sets `object[key] = value` as an own, enumerable data property, even for keys such as
 * `__proto__` that plain assignment would turn into a prototype change (the way `JSON.parse`
 * treats them). Every parser here builds objects from names the caller chose.
 */
export function defineOwn<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
