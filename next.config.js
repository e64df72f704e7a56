// Next.js settings for Easel's web UI. The browser only ever talks to this origin; the route handlers under
// app/api/trpc and app/images forward to the GPU server at run time (so its port is read when the UI starts,
// not baked in at build time as rewrites would be).

/** @type {import('next').NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  // gzip would hold back the server-sent events of live status and progress until a buffer fills.
  compress: false,
  typescript: {
    // A config that extends the project's own, so Next leaves tsconfig.json alone; `npm run typecheck`
    // type-checks the UI together with the server, so the build does not do it a second time.
    tsconfigPath: 'app/tsconfig.json',
    ignoreBuildErrors: true,
  },
  turbopack: { root: import.meta.dirname },
};

export default config;
