# syntax=docker/dockerfile:1
#
# The dingtalk-notify image: the released static binary alone, as the entrypoint. It is the Drone /
# Woodpecker plugin (settings arrive as PLUGIN_*); the `busybox` target adds a shell for GitLab CI,
# whose jobs run `script:` lines through one.
#
# It carries the release's own bytes: nothing is compiled here. The binaries come in as the build
# context named `release-assets`, a directory laid out as a release (dingtalk-notify-<arch>-unknown-
# linux-musl and vX.Y.Z.sha256, as release.yml's checksums job and .ci/release-rehearsal.sh write
# it), and .ci/image-verify.sh checks each against that file and the size ceiling in
# .ci/release.env before it is copied:
#
#   docker buildx build --build-context release-assets=DIR --platform linux/amd64,linux/arm64 -t dingtalk-notify .
#   docker buildx build --build-context release-assets=DIR --target busybox -t dingtalk-notify:busybox .
#
# DIR is a release's downloads (both Linux binaries and vX.Y.Z.sha256), or
# target/release-rehearsal/dist after .ci/release-rehearsal.sh (then only the platforms it built).
#
# Base images are pinned by the multi-arch index digests that docker-library/repo-info records
# for these tags; Dependabot (.github/dependabot.yml) proposes updates.

# Runs on the build machine's own platform for every target platform: the arm64 stages below only
# COPY, so an arm64 image needs no emulation. The arm64 binary was run on an arm64 runner when the
# release built it.
FROM --platform=$BUILDPLATFORM busybox:1.37.0-musl@sha256:1256f55742579badea94e3e2f574fc90021120f6c1aa01c87182566dfb950c39 AS verify
ARG BUILDARCH
ARG TARGETARCH
COPY .ci/image-verify.sh .ci/release.env /verify/
# `release-assets` is a named build context (--build-context), not a stage.
# hadolint ignore=DL3022
COPY --from=release-assets / /assets/
RUN sh /verify/image-verify.sh /assets "$TARGETARCH" "$BUILDARCH" /dingtalk-notify

# For GitLab CI: a static busybox shell plus the binary on PATH; no entrypoint, so GitLab's
# `script:` runs as usual.
FROM busybox:1.37.0-musl@sha256:1256f55742579badea94e3e2f574fc90021120f6c1aa01c87182566dfb950c39 AS busybox
COPY --from=verify /dingtalk-notify /usr/local/bin/dingtalk-notify

# The default image: nothing but the binary. It needs no CA bundle (rustls with bundled roots)
# and no loader (static musl).
FROM scratch
COPY --from=verify /dingtalk-notify /dingtalk-notify
USER 65534:65534
ENTRYPOINT ["/dingtalk-notify"]
