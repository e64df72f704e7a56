#!/usr/bin/env node
// The `easel` command: registers tsx so the TypeScript CLI runs without a build step, then hands over to it.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
