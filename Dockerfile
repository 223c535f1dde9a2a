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
# one: no emulated rustc, so an arm64 image builds as fast as an amd64 one.
FROM --platform=$BUILDPLATFORM rust:1.97.1-slim-trixie@sha256:8e8cf8f7fd54a2d23d5a743b3a03f56e26b6c774276c33fa0595111704ebb15c AS build
ARG BUILDARCH
ARG TARGETARCH
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# A C cross toolchain and the target's static glibc (libc.a) for crt-static linking, only when
# the target differs from the build machine. ring compiles C, hence CC_* as well as the linker.
# Package versions follow the digest-pinned Debian release (exact apt pins would vanish from the
# mirror); $pkgs is split into words on purpose.
# hadolint ignore=DL3008,SC2086
RUN set -eux; \
    case "$TARGETARCH" in \
      amd64) triple=x86_64-unknown-linux-gnu;  gnu=x86_64-linux-gnu;  pkgs="gcc-x86-64-linux-gnu libc6-dev-amd64-cross" ;; \
      arm64) triple=aarch64-unknown-linux-gnu; gnu=aarch64-linux-gnu; pkgs="gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;; \
      *) echo "unsupported TARGETARCH: $TARGETARCH" >&2; exit 1 ;; \
    esac; \
    echo "$triple" >/target-triple; \
    if [ "$TARGETARCH" != "$BUILDARCH" ]; then \
      apt-get update; \
      apt-get install -y --no-install-recommends $pkgs; \
      rm -rf /var/lib/apt/lists/*; \
      rustup target add "$triple"; \
      env_triple=$(echo "$triple" | tr 'a-z-' 'A-Z_'); \
      { echo "export CARGO_TARGET_${env_triple}_LINKER=$gnu-gcc"; \
        echo "export CC_$(echo "$triple" | tr - _)=$gnu-gcc"; } >/cross-env; \
    else \
      : >/cross-env; \
    fi

WORKDIR /src
# .dockerignore keeps target/ and VCS data out; .cargo/config.toml must come in (crt-static).
COPY . .
# The same command CI and release.yml run, with the target named explicitly so that the binary's
# path does not depend on the build machine.
RUN set -eu; \
    . /cross-env; \
    triple=$(cat /target-triple); \
    cargo build --release --locked --target "$triple"; \
    cp "target/$triple/release/dingtalk-notify" /dingtalk-notify; \
    if [ "$TARGETARCH" = "$BUILDARCH" ]; then /dingtalk-notify --version; fi

# For GitLab CI: a static busybox shell plus the binary on PATH; no entrypoint, so GitLab's
# `script:` runs as usual.
FROM busybox:1.37.0-musl@sha256:1256f55742579badea94e3e2f574fc90021120f6c1aa01c87182566dfb950c39 AS busybox
COPY --from=build /dingtalk-notify /usr/local/bin/dingtalk-notify

# The default image: nothing but the binary. It needs no CA bundle (rustls with bundled roots)
# and no loader (static glibc).
FROM scratch
COPY --from=build /dingtalk-notify /dingtalk-notify
USER 65534:65534
ENTRYPOINT ["/dingtalk-notify"]
