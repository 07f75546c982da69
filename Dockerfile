# The provisioner image. One image serves both roles:
#   docker run IMAGE                                   the REST API (port 5557)
#   docker run IMAGE node dist/src/main.js worker      the Temporal worker
#   docker run IMAGE node dist/src/cli/client.js list  client management (--help for usage)
# Both apply pending database migrations at start (src/db/migrate.ts), so the image carries
# prisma/migrations. The workflow code is bundled here, at build time (dist/workflow-bundle.js,
# scripts/bundle-workflows.js), as Temporal recommends for production: the worker loads it and
# runs no bundler at start.
# docker-compose.yml shows every environment variable a deployment sets.

# Node 24 LTS; the code supports Node 22 and later (package.json engines).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript, then drop the dev dependencies ------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

COPY package.json package-lock.json ./
# No install scripts: none is needed to build or run, and Prisma's would try to download
# engine binaries, which neither `prisma generate` (see scripts/prisma-generate.js) nor the
# client (it runs through the pg driver adapter) uses.
RUN npm ci --ignore-scripts

COPY scripts/prisma-generate.js scripts/
COPY prisma prisma
RUN node scripts/prisma-generate.js

COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-workflows.js scripts/
COPY src src
COPY workflows workflows
COPY activities activities
# `prisma` (the CLI) is an optional peer of @prisma/client, so pruning the dev dependencies
# keeps it and its tooling (about 200 MB); the runtime needs only @prisma/client.
# The Temporal core bridge ships a native binary for five platforms (25-30 MB each); the
# image keeps only its own (releases/<arch>-unknown-linux-gnu, e.g. x86_64 or aarch64).
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && npm uninstall --no-save --omit=dev --ignore-scripts prisma \
 && own="$(uname -m)-unknown-linux-gnu" \
 && test -d "node_modules/@temporalio/core-bridge/releases/$own" \
 && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 ! -name "$own" -exec rm -rf {} + \
 && test -f dist/workflow-bundle.js

# ---- runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Owned by root and read-only for the service user: the service writes nothing under /app.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/prisma/migrations prisma/migrations

USER node
EXPOSE 5557
CMD ["node", "dist/src/main.js", "api"]
