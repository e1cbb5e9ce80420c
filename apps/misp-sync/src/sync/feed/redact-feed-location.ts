/** A feed location without credentials, query or fragment: what logs and contribution sources may show. */
export function redactFeedLocation(location: string): string {
  if (!/^https?:\/\//i.test(location)) return location;
  try {
    const url = new URL(location);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'invalid-url';
  }
}
