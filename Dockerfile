# LeerID container image: Node 22 LTS, compiled JavaScript (no tsx at run time),
# runs as the unprivileged `node` user. See docs/ci-and-container.md.
#
#   docker build -t leerid .
#   docker run --init -p 3000:3000 -e LEERID_ISSUER=http://localhost:3000 \
#     -v "$PWD/keys:/app/keys:ro" leerid            # = leerid serve
#   docker run --rm leerid migrate                  # any other leerid command
#
# better-sqlite3 is a native addon: npm fetches a prebuilt binary when it can
# and otherwise compiles it, so the install stages carry a C++ toolchain. The
# runtime stage copies the finished node_modules and has no compiler.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- toolchain for native addons ------------------------------------------
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# ---- production dependencies only -----------------------------------------
FROM toolchain AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- compile TypeScript to dist/ ------------------------------------------
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# config/ may be absent from a checkout (empty folders are not kept by git).
RUN npm run build \
 && mkdir -p config \
 && node dist/src/cli.js help

# ---- runtime ---------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LEERID_HOST=0.0.0.0 \
    LEERID_PORT=3000
WORKDIR /app
# Code and dependencies belong to root and are read-only for the service user.
# package.json stays: the app finds views/ next to it.
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
COPY views ./views
COPY assets ./assets
# The only writable places: data/ (the embedded SQLite default) and keys/
# (generated on first start when not mounted; mount it read-only in production).
RUN mkdir -p data keys \
 && chown node:node data keys \
 && chmod 700 keys
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.LEERID_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["node", "--enable-source-maps", "dist/src/cli.js"]
CMD ["serve"]
