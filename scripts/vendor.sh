#!/usr/bin/env bash
# Copies the bpmn-js navigated viewer and its styles, and Swagger UI, from node_modules (npm ci) into
# app/static/vendor, so the diagram and the API docs are served by grantflow itself (no CDN).
set -euo pipefail
cd "$(dirname "$0")/.."

src=node_modules/bpmn-js/dist
dest=app/static/vendor/bpmn-js
if [ ! -f "$src/bpmn-navigated-viewer.production.min.js" ]; then
  echo "bpmn-js is not installed: run npm ci first" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
cp "$src/bpmn-navigated-viewer.production.min.js" "$dest/"
cp "$src/assets/diagram-js.css" "$src/assets/bpmn-js.css" "$dest/"
cp -R "$src/assets/bpmn-font" "$dest/"
echo "bpmn-js $(node -p 'require("./node_modules/bpmn-js/package.json").version' 2>/dev/null || echo '?') → $dest"

# Swagger UI for the API's documentation page /api/v1/docs (served by flask-smorest).
src=node_modules/swagger-ui-dist
dest=app/static/vendor/swagger-ui
if [ ! -f "$src/swagger-ui-bundle.js" ]; then
  echo "swagger-ui-dist is not installed: run npm ci first" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
cp "$src/swagger-ui-bundle.js" "$src/swagger-ui-standalone-preset.js" "$src/swagger-ui.css" "$dest/"
echo "swagger-ui $(node -p 'require("./node_modules/swagger-ui-dist/package.json").version' 2>/dev/null || echo '?') → $dest"
