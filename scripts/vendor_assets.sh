#!/usr/bin/env bash
# Re-fetch the vendored front-end files (no CDN is reachable from the wall
# display) with pinned versions, copying only what the app loads plus licences,
# and build plotly.js with only the trace types the app draws (service/static.py
# serves it in place of Dash's full bundle).
# Usage: scripts/vendor_assets.sh   (needs npm and a reachable npm registry)
set -euo pipefail

BOOTSTRAP=5.3.8          # same Bootstrap release the Bootswatch themes are built on
BOOTSWATCH=5.3.8
ICONS=1.13.2
NOTO_SC=5.3.0            # @fontsource/noto-sans-sc
WEIGHTS="400 700"
PLOTLY=4.1.1             # the plotly.js that plotly (Python) makes its figures for
PLOTLY_TRACES="bar pie scattergeo choropleth"   # scatter is in plotly.js's core
ESBUILD=0.28.2

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/assets/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  "bootstrap@$BOOTSTRAP" "bootswatch@$BOOTSWATCH" "bootstrap-icons@$ICONS" \
  "@fontsource/noto-sans-sc@$NOTO_SC" "plotly.js@$PLOTLY" "esbuild@$ESBUILD" >/dev/null
NM="$WORK/node_modules"

# (plotly-locales/ is kept: the zh-CN locale is wrapped by hand, see its header)
rm -rf "$DEST/bootstrap" "$DEST/bootswatch" "$DEST/bootstrap-icons" "$DEST/noto-sans-sc" \
       "$DEST/plotly"
mkdir -p "$DEST/bootstrap" "$DEST/bootswatch" "$DEST/bootstrap-icons/fonts" \
         "$DEST/noto-sans-sc/files" "$DEST/plotly"

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

# plotly.js as its partial bundles are made (lib/core plus the traces), a
# third of the full bundle's size and of the time a browser takes to start it.
{
  echo "'use strict';"
  echo "var Plotly = require('plotly.js/lib/core');"
  echo "Plotly.register(["
  for t in $PLOTLY_TRACES; do echo "    require('plotly.js/lib/$t'),"; done
  echo "]);"
  echo "module.exports = Plotly;"
} > plotly-app.js
"$NM/.bin/esbuild" plotly-app.js --bundle --minify --format=iife --global-name=Plotly \
  --target=es2016 --define:global=window --define:define.amd=false \
  --define:process.env.NODE_DEBUG=false --log-level=warning \
  --banner:js="/* plotly.js $PLOTLY (MIT), traces: scatter $PLOTLY_TRACES */" \
  --outfile="$DEST/plotly/plotly-app.min.js"
# (the map traces' stylesheet comes out beside it; no map trace is bundled)
rm -f "$DEST/plotly/plotly-app.min.css"
cp "$NM/plotly.js/LICENSE" "$DEST/plotly/"

cat > "$DEST/VERSIONS" <<VERS
bootstrap $BOOTSTRAP
bootswatch $BOOTSWATCH (flatly, darkly)
bootstrap-icons $ICONS
@fontsource/noto-sans-sc $NOTO_SC (weights $WEIGHTS, woff2)
plotly.js $PLOTLY (traces: scatter $PLOTLY_TRACES; esbuild $ESBUILD)
plotly.js-locales 3.7.0 (zh-cn.js, wrapped for window.PlotlyLocales)
VERS
du -sh "$DEST"/*
