#!/usr/bin/env node
// `npm run dev`: installs what is missing, then runs the service in dev mode (embedded
// PostgreSQL under .data/ unless DATABASE_URL is set; generated root token and keys).
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { bootstrap, root } = require('./bootstrap');

bootstrap();
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const child = spawn(process.execPath, [tsx, path.join(root, 'src/main.ts'), 'dev'], { cwd: root, stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env } });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
