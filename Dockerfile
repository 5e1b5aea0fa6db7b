# syntax=docker/dockerfile:1
# Two stages on the same base. The build stage installs every dependency (better-sqlite3 is native
# and may compile), bundles the bot into dist/ and then drops the dev dependencies; the runtime
# stage gets node_modules and dist/ from it, runs as a non-root user, and keeps its data in /data.
#
#   docker build -t emergence .
#   docker run -d --name emergence -v emergence-data:/data --env-file .env emergence
#
# Stopping: tini (PID 1) passes SIGTERM to node, which stops within 8 s (Docker waits 10 s).
# NODE_OPTIONS: a 1 MB young generation saves about 30 MB of resident memory for a few more minor
# GCs (npm run bench measures rss_mb_idle with it; keep in step with src/bench/memory.ts).

FROM node:22-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY commands ./commands
# The locales are bundled into dist/; the rest of assets/ is read at run time from the package root.
COPY assets ./assets
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:22-slim AS runtime
# tini: an init as PID 1 that forwards signals and reaps children (Discord shards are child processes).
# Fonts for the leaderboard card and the charts, Chinese included (sharp renders SVG text with them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini fonts-dejavu-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATABASE_PATH=/data/emergence.db \
    LADDER_CACHE_DIR=/data/cache/ladders \
    TERMINAL_OUT_DIR=/data/out \
    HEALTH_PORT=8080 \
    NODE_OPTIONS=--max-semi-space-size=1
WORKDIR /app
RUN groupadd --system emergence && useradd --system --gid emergence --home /app emergence \
 && mkdir -p /data && chown emergence:emergence /data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY assets ./assets
USER emergence
VOLUME ["/data"]
# /healthz (HEALTH_PORT). Slack HTTP mode also listens on PORT (3000 by default): publish it with
# -p 3000:3000 in that mode only; Socket Mode and Discord open no port.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# V8 flags that trade some speed for memory (NODE_OPTIONS refuses them; see IMAGE_NODE_FLAGS in
# src/bench/memory.ts). The Discord shards inherit them.
CMD ["node", "--optimize-for-size", "--heap-growing-percent=10", "--single-threaded-gc", "dist/main.js"]
