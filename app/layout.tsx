// The page frame: header with navigation and the live connection badge, then the page.
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { ConnectionBadge } from './_components/connection-badge';
import { NavLinks } from './_components/nav-links';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: { default: 'Easel', template: '%s · Easel' },
  description: 'Self-hosted image generation: load a model, generate, follow its history.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="site-header">
            <span className="brand" aria-hidden="true">
              <span className="brand-mark" />
              Easel
            </span>
            <NavLinks />
            <ConnectionBadge />
          </header>
          <main id="main" className="page">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
