# The Consul → GlobalNetworkSet controller's image, for teams with Docker or buildah (docs/networkset-sync.md):
#   docker build --build-arg REVISION=$(git rev-parse HEAD) -t REGISTRY/calico-baseline/networkset-sync:0.1.0 .
#   buildah bud  --build-arg REVISION=$(git rev-parse HEAD) -t REGISTRY/calico-baseline/networkset-sync:0.1.0 .
# Without a daemon (and offline), scripts/build-controller-image.mjs writes an OCI layout with the same
# layout of files (/app/lib/cli, /app/bin, /usr/local/bin/calico-baseline), user and entrypoint.
# Both stages use one pinned base (a tag with the full node version); bump it as one edit.

FROM node:20.19.5-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The prepare script (the CLI bundle) needs the sources: it runs below, after they are copied.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# One esbuild bundle with a chunk per command (lib/cli): the controller needs no node_modules at run time.
RUN node scripts/build-cli.mjs

FROM node:20.19.5-bookworm-slim
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="calico-baseline networkset-sync" \
      org.opencontainers.image.description="Consul to Calico GlobalNetworkSet controller (calico-baseline sync-networksets)" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
# The same non-root user as the daemonless image and the Deployment's securityContext (runAsUser 65532).
RUN groupadd --gid 65532 nonroot && useradd --uid 65532 --gid 65532 --home-dir /home/nonroot --create-home --shell /usr/sbin/nologin nonroot
WORKDIR /app
RUN printf '{"name":"calico-baseline","private":true,"type":"module"}\n' > /app/package.json
COPY --from=build /src/bin/calico-baseline.mjs /app/bin/calico-baseline.mjs
COPY --from=build /src/lib/cli /app/lib/cli
RUN ln -s /app/bin/calico-baseline.mjs /usr/local/bin/calico-baseline
USER 65532:65532
ENV NODE_ENV=production
EXPOSE 9464
ENTRYPOINT ["/usr/local/bin/calico-baseline", "sync-networksets"]
CMD ["--config", "/etc/networkset-sync/config.yaml"]
