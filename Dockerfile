# codex-bot: Node 24 with git, bubblewrap (the sandbox) and ripgrep (for the agent).
# Run it with the flags in README "Running in Docker": bubblewrap needs user namespaces.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git bubblewrap slirp4netns iproute2 socat ripgrep ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production CODEX_DATA_DIR=/data PORT=3000
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY app.yml ./
# The bot runs as root, so that it can start bubblewrap as this unprivileged user (CODEX_SANDBOX_USER's
# default) and make the sandbox's cgroups; a sandbox escape lands in codex-sandbox, which can read none
# of the bot's files. The uid is fixed so that a volume's ownership means the same in every image.
RUN groupadd --system --gid 10001 codex-sandbox \
 && useradd --system --uid 10001 --gid codex-sandbox --no-create-home --shell /usr/sbin/nologin codex-sandbox
# Root's, traversable only: at start the bot makes workspaces/ 0711 and everything else 0700 or 0600.
RUN mkdir -p /data && chmod 0711 /data
VOLUME /data
EXPOSE 3000
CMD ["node", "dist/main.js"]
