# smsgate container image. Every install and build step is deploy/build.sh (which CI runs too);
# this file only chooses the base image and how the result runs. See docs/deployment.md.
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN deploy/build.sh /app

FROM node:20-bookworm-slim
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
ENV NODE_ENV=production \
    SMSGATE_HOST=0.0.0.0 \
    SMSGATE_PORT=8080 \
    SMSGATE_SMPP_PORT=2775 \
    SMSGATE_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080 2775
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.SMSGATE_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains in-flight messages before exiting.
STOPSIGNAL SIGTERM
CMD ["node", "/app/bin/smsgate.js", "serve"]
