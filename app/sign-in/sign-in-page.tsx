'use client';
// Once signed in (or when the server needs no token), /sign-in says so and links to Generate.
import Link from 'next/link';
import { useRole } from '../_lib/role';

export function SignInPage() {
  const { role, tokensRequired } = useRole();
  return (
    <section className="card">
      <h1>Signed in</h1>
      <p>{tokensRequired ? `You are signed in with the ${role} role.` : 'This server needs no token: it listens on loopback for one local user.'}</p>
      <Link href="/">Go to Generate</Link>
    </section>
  );
}
