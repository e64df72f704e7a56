// /sign-in: the sign-in form on its own address (every page shows it while a token is needed).
import type { Metadata } from 'next';
import { SignInPage } from './sign-in-page';

export const metadata: Metadata = { title: 'Sign in' };

export default function Page() {
  return <SignInPage />;
}
