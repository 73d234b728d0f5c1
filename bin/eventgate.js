#!/usr/bin/env node
// Runs the compiled gateway (dist/, built by `npm run build`, which `npm ci` runs via prepare).
import '../dist/main.js';
