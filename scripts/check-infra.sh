#!/usr/bin/env bash
# Type-checks sst.config.ts and infra/ against the real SST platform types.
#
# `sst install` writes .sst/platform/ (SST's component sources, @pulumi/* packages and
# config.d.ts). It needs no AWS account, Docker, Pulumi CLI or GitHub, but it DOES need the
# npm registry: it resolves the provider version over HTTP (NPM_REGISTRY, default
# https://registry.npmjs.org) and runs `npm install` in .sst/platform. It is re-run only when
# the platform types are missing or stale (different sst version or sst.config.ts changed).
set -euo pipefail
cd "$(dirname "$0")/.."

# Any stage works: install only evaluates app() to learn the providers.
stage="${SST_STAGE:-typecheck}"
types=".sst/platform/config.d.ts"
stamp_file=".sst/check-infra.stamp"

sst_version="$(node -p 'require("./node_modules/sst/package.json").version')"
config_hash="$(sha256sum sst.config.ts | cut -d' ' -f1)"
stamp="sst=${sst_version} config=${config_hash}"

mkdir -p .sst
exec 9>.sst/check-infra.lock
flock 9

if [[ ! -f "$types" || ! -d .sst/platform/node_modules/@pulumi/aws || "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]]; then
  echo "check-infra: installing SST platform types (sst ${sst_version}, stage ${stage})" >&2
  start=$(date +%s)
  log=".sst/check-infra-install.log"
  if ! NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_TELEMETRY_DISABLED=1 \
    npx --no-install sst install --stage "$stage" --print-logs >"$log" 2>&1; then
    grep -E 'level=ERROR|✕' "$log" | cut -c1-600 >&2 || tail -n 20 "$log" >&2
    echo "check-infra: sst install failed (full log: $log). It needs the npm registry" \
      "(or NPM_REGISTRY + npm config registry pointing at a mirror), or a cached .sst/platform." >&2
    exit 1
  fi
  echo "$stamp" >"$stamp_file"
  echo "check-infra: sst install took $(($(date +%s) - start))s" >&2
fi

npx --no-install tsc -p tsconfig.infra.json
echo "check-infra: sst.config.ts and infra/ type-check OK" >&2
