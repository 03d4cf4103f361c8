#!/usr/bin/env bash
# Installs what the integration tests need from Debian when it is missing: the Janus gateway,
# Chromium and Firefox ESR (the browser matrix; never a downloaded browser), a Korean font so the
# demo's Korean screenshots show text rather than empty boxes, and for the recording test
# janus-pp-rec (janus-tools) and ffprobe (ffmpeg). A no-op when all are there.
set -euo pipefail
need=()
command -v janus >/dev/null 2>&1 || need+=(janus)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
[ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || need+=(firefox-esr)
command -v janus-pp-rec >/dev/null 2>&1 || need+=(janus-tools)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v ip >/dev/null 2>&1 || need+=(iproute2) # the connection-quality test's lossy link (an alias address)
if command -v dpkg >/dev/null 2>&1; then dpkg -s fonts-nanum >/dev/null 2>&1 || need+=(fonts-nanum); fi
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing: ${need[*]} (install them, or set CHROMIUM_PATH / FIREFOX_PATH / JANUS_URL)" >&2
  exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing ${need[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q "${need[@]}"
