// The request target as a URL, or null when it is not the origin-form path this server serves: absolute-form
// (`GET http://host/…`), authority-form, `*`, or anything `new URL` refuses must not reach code that assumes a URL.

export function parseRequestTarget(target: string | undefined): URL | null {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return null;
  }
}
