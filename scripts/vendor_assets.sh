#!/usr/bin/env bash
# Re-fetch the vendored front-end files (no CDN is reachable from the wall
# display) with pinned versions, copying only what the app loads plus licences.
# Usage: scripts/vendor_assets.sh   (needs npm and a reachable npm registry)
set -euo pipefail

BOOTSTRAP=5.3.8          # same Bootstrap release the Bootswatch themes are built on
BOOTSWATCH=5.3.8
ICONS=1.13.2
NOTO_SC=5.3.0            # @fontsource/noto-sans-sc
WEIGHTS="400 700"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/assets/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  "bootstrap@$BOOTSTRAP" "bootswatch@$BOOTSWATCH" "bootstrap-icons@$ICONS" \
  "@fontsource/noto-sans-sc@$NOTO_SC" >/dev/null
NM="$WORK/node_modules"

rm -rf "$DEST"
mkdir -p "$DEST/bootstrap" "$DEST/bootswatch" "$DEST/bootstrap-icons/fonts" \
         "$DEST/noto-sans-sc/files"

cp "$NM/bootstrap/dist/css/bootstrap.min.css" "$NM/bootstrap/LICENSE" "$DEST/bootstrap/"
for theme in flatly darkly; do
  cp "$NM/bootswatch/dist/$theme/bootstrap.min.css" "$DEST/bootswatch/$theme.min.css"
done
cp "$NM/bootswatch/LICENSE" "$DEST/bootswatch/"
# Bootswatch themes @import a Google Fonts URL: strip it, the fonts are local.
sed -i -E 's#@import url\([^)]*fonts\.googleapis[^)]*\);?##g' "$DEST"/bootswatch/*.css

cp "$NM/bootstrap-icons/font/bootstrap-icons.min.css" "$NM/bootstrap-icons/LICENSE" \
   "$DEST/bootstrap-icons/"
cp "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$DEST/bootstrap-icons/fonts/"
# Only the woff2 face is shipped: drop the woff fallback from the @font-face.
sed -i -E 's#,url\("fonts/bootstrap-icons\.woff\?[^"]*"\) format\("woff"\)##' \
  "$DEST/bootstrap-icons/bootstrap-icons.min.css"

FS="$NM/@fontsource/noto-sans-sc"
cp "$FS/LICENSE" "$DEST/noto-sans-sc/"
: > "$DEST/noto-sans-sc/noto-sans-sc.css"
for w in $WEIGHTS; do
  # Keep woff2 only (every modern browser), and the unicode-range subsets so a
  # page downloads just the slices of the font its characters need.
  sed -E 's#, *url\([^)]*\.woff\) format\(.woff.\)##' "$FS/$w.css" >> "$DEST/noto-sans-sc/noto-sans-sc.css"
  cp "$FS"/files/noto-sans-sc-*-"$w"-normal.woff2 "$DEST/noto-sans-sc/files/"
done

cat > "$DEST/VERSIONS" <<VERS
bootstrap $BOOTSTRAP
bootswatch $BOOTSWATCH (flatly, darkly)
bootstrap-icons $ICONS
@fontsource/noto-sans-sc $NOTO_SC (weights $WEIGHTS, woff2)
VERS
du -sh "$DEST"/*
