// Recognises Prisma's unique-constraint error (P2002), which both providers' adapters report the same way.
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
