#!/usr/bin/env bash
# Debian packages the test suite needs: chromium (browser tests), poppler-utils (PDF pages to
# images), espeak-ng (spoken cues, synthetic speech for the voice tests), fonts, npm (installs
# axe-core for the accessibility scan), Mesa's EGL (offscreen avatar rendering on the CPU),
# libportaudio2 (microphone for `session --voice`). Installs only what is missing; needs root
# for apt-get.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v npm >/dev/null || need+=(npm)
has() { compgen -G "$1" >/dev/null; }
has "/usr/lib/*/libEGL.so.1" || need+=(libegl1)
has "/usr/lib/*/libEGL_mesa.so.0" || need+=(libegl-mesa0)
has "/usr/lib/*/dri/swrast_dri.so" || need+=(libgl1-mesa-dri)
has "/usr/lib/*/libportaudio.so.2" || need+=(libportaudio2)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "backcoach tests need these Debian packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
