# syntax=docker/dockerfile:1
# One image for the four services; the command picks the app:
#   docker run iocflow node dist/apps/enricher/main.js
# Kubernetes sets `args` (never `command`), so tini stays PID 1 (deploy/k8s).
# Stages: build (full dependencies, compile the bundles) → deps (production dependencies only) →
# runtime (Node 24 without npm, tini as PID 1 so SIGTERM reaches the graceful shutdown, numeric
# non-root user so Kubernetes' runAsNonRoot can verify it). Linted by hadolint in the deploy tests.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npx nx run-many -t build --projects=misp-sync,enricher,indexer,hunter --parallel=1

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/patch-kafkajs.cjs scripts/
# Production dependencies include the default Kafka client @platformatic/kafka (pure JavaScript, an ES
# module the bundles load with Node 24's require(esm); nothing to build) and kafkajs (KAFKA_CLIENT=kafkajs).
# --ignore-scripts skips the root postinstall too: apply our kafkajs patch explicitly.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && node scripts/patch-kafkajs.cjs && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini 0.19.0-1 is bookworm's only tini; npm and corepack are removed from the final image: the
# services never run them, and they are most of the image's CVE surface outside Node itself.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1 \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg
WORKDIR /app
ENV NODE_ENV=production HTTP_PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/package.json ./package.json
COPY --from=build /src/dist/apps ./dist/apps
# uid/gid 1000 is the base image's `node` user, numeric so runAsNonRoot can be checked.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HTTP_PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/enricher/main.js"]
