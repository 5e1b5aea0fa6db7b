# syntax=docker/dockerfile:1
# Multi-stage: dependencies are built (better-sqlite3 is native) in a full image,
# then copied into a slim runtime that runs as a non-root user with a data volume.

FROM node:20-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    DATABASE_PATH=/data/emergence.db \
    LADDER_CACHE_DIR=/data/cache/ladders \
    TERMINAL_OUT_DIR=/data/out
WORKDIR /app
# Fonts for the leaderboard card and the charts, Chinese included (sharp renders SVG text with them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system emergence && useradd --system --gid emergence --home /app emergence \
 && mkdir -p /data && chown emergence:emergence /data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY commands ./commands
COPY assets ./assets
COPY slack ./slack
USER emergence
VOLUME ["/data"]
EXPOSE 3000
# tsx is a runtime dependency: the TypeScript sources run as they are.
CMD ["node", "--import", "tsx", "src/main.ts"]
