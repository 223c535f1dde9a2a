# syntax=docker/dockerfile:1
#
# The dingtalk-notify image: the static binary alone, as the entrypoint. It is the Drone /
# Woodpecker plugin (settings arrive as PLUGIN_*); the `busybox` target adds a shell for GitLab CI,
# whose jobs run `script:` lines through one.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t dingtalk-notify .
#   docker buildx build --target busybox -t dingtalk-notify:busybox .
#
# Base images are pinned by the multi-arch index digests that docker-library/repo-info records
# for these tags; Dependabot (.github/dependabot.yml) proposes updates.

# The build stage runs on the build machine's own platform and cross-compiles for the target
# one: no emulated rustc, so an arm64 image builds as fast as an amd64 one. The binary is the
# released kind: musl, static, built by .ci/build-static.sh (as release.yml and CI do).
FROM --platform=$BUILDPLATFORM rust:1.97.1-slim-trixie@sha256:8e8cf8f7fd54a2d23d5a743b3a03f56e26b6c774276c33fa0595111704ebb15c AS build
ARG BUILDARCH
ARG TARGETARCH
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# The musl target's std (rustup), and a C compiler for ring: musl-gcc when the target is the
# build machine's architecture, else the target's gcc cross compiler, which build-static.sh
# picks up as CC and linker (rustc links its own self-contained musl). Package versions follow
# the digest-pinned Debian release (exact apt pins would vanish from the mirror).
# hadolint ignore=DL3008
RUN set -eux; \
    case "$TARGETARCH" in \
      amd64) triple=x86_64-unknown-linux-musl;  cross=gcc-x86-64-linux-gnu ;; \
      arm64) triple=aarch64-unknown-linux-musl; cross=gcc-aarch64-linux-gnu ;; \
      *) echo "unsupported TARGETARCH: $TARGETARCH" >&2; exit 1 ;; \
    esac; \
    echo "$triple" >/target-triple; \
    if [ "$TARGETARCH" = "$BUILDARCH" ]; then pkg=musl-tools; else pkg=$cross; fi; \
    apt-get update; \
    apt-get install -y --no-install-recommends "$pkg"; \
    rm -rf /var/lib/apt/lists/*; \
    rustup target add "$triple"

WORKDIR /src
# .dockerignore keeps target/ and VCS data out; .ci/ must come in (build-static.sh).
COPY . .
# build-static.sh prints the binary's path last. The release's 3,000,000-byte gate holds here too.
RUN set -eu; \
    bin=$(bash .ci/build-static.sh "$(cat /target-triple)" | tail -n 1); \
    cp "$bin" /dingtalk-notify; \
    size=$(wc -c </dingtalk-notify); \
    if [ "$size" -gt 3000000 ]; then echo "binary is $size bytes, over 3000000" >&2; exit 1; fi; \
    if [ "$TARGETARCH" = "$BUILDARCH" ]; then /dingtalk-notify --version; fi

# For GitLab CI: a static busybox shell plus the binary on PATH; no entrypoint, so GitLab's
# `script:` runs as usual.
FROM busybox:1.37.0-musl@sha256:1256f55742579badea94e3e2f574fc90021120f6c1aa01c87182566dfb950c39 AS busybox
COPY --from=build /dingtalk-notify /usr/local/bin/dingtalk-notify

# The default image: nothing but the binary. It needs no CA bundle (rustls with bundled roots)
# and no loader (static musl).
FROM scratch
COPY --from=build /dingtalk-notify /dingtalk-notify
USER 65534:65534
ENTRYPOINT ["/dingtalk-notify"]
