#!/usr/bin/env node
// Installs dependencies and generates the Prisma client (what `npm test` does first).
'use strict';
require('./bootstrap').bootstrap();
