#!/usr/bin/env node
// `npm test`: installs what is missing, then runs every test with jest. jest's global
// setup starts the services the tests need (PostgreSQL, installed when absent).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { bootstrap, root } = require('./bootstrap');

bootstrap();
const jest = path.join(root, 'node_modules/jest/bin/jest.js');
const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env } });
process.exit(result.status ?? 1);
