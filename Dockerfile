# syntax=docker/dockerfile:1
# Stage 1: production dependencies only (tsx runs the TypeScript sources, so there is no build step).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the runtime image, as the unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json tsconfig.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node src ./src
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/natmigrate.js"]
CMD ["all"]
