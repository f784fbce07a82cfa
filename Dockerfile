# syntax=docker/dockerfile:1
# Kring in a container: `docker compose up` (compose.yaml), or
#   docker build -t kring . && docker run -p 3000:3000 -v kring-data:/data kring

# ── build: every dependency (dev tools included), generate, build, then drop the dev tools
FROM node:22-slim AS build
WORKDIR /app
# better-sqlite3 compiles with these when no prebuilt binary fits the platform
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild
COPY . .
RUN npm run prepare \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ── run: production dependencies, the built app and the server code, as a non-root user
FROM node:22-slim AS run
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/data/kring.db \
    CHROMIUM_PATH=/usr/bin/chromium
# Debian's Chromium prints the PDF exports (leave it out for a smaller image: DOCX and XLSX still work).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/server ./server
COPY --from=build /app/src/lib ./src/lib
COPY --from=build /app/migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# server/index.ts handles SIGTERM itself (drains streams and sockets, closes the database, exits 0),
# so node runs as PID 1; compose.yaml adds `init: true` to reap strays as well.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "server/index.ts"]
