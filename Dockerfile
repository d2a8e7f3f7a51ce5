# syntax=docker/dockerfile:1
# Stage 1: compile src/ to dist/ with the dev dependencies (TypeScript).
# --ignore-scripts here and below: nothing we depend on needs one (esbuild's binary comes from its platform package,
# msgpackr falls back to JS), it keeps third-party install code out of the build, and our own `prepare` (a build)
# would run before the sources are copied in.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Stage 2: production dependencies only; the compiled code needs no tsx.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Stage 3: the runtime image, as the unprivileged `node` user (uid 1000); the app files are root-owned, read-only to it.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# /healthz on PORT: Redis (and, for a bot, Slack) reachable. Node's fetch: the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) starts the graceful shutdown: running steps finish or park for another worker.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/natmigrate.js"]
CMD ["all"]
