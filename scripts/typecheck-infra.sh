#!/usr/bin/env bash
# Type-checks sst.config.ts and infra/ against SST's real component types.
# `sst install` writes those types to .sst/platform, fetching the providers from the npm
# registry (~300 MB, 25–60 s); it runs only when they are missing or from another SST version.
# No AWS credentials needed; SST_SKIP_DEPENDENCY_CHECK stops the CLI downloading Pulumi.
set -euo pipefail
cd "$(dirname "$0")/.."

wanted=$(node -p 'require("./node_modules/sst/package.json").version')
installed=$(cat .sst/platform/version 2>/dev/null || true)
if [[ ! -f .sst/platform/config.d.ts || "$installed" != "$wanted" ]]; then
  echo "typecheck:infra: installing SST $wanted platform into .sst/platform (had: ${installed:-none})" >&2
  SST_SKIP_DEPENDENCY_CHECK=1 SST_NO_BUN=1 SST_TELEMETRY_DISABLED=1 \
    npx --no-install sst install --stage ci
fi

npx --no-install tsc --noEmit -p tsconfig.infra.json
echo "typecheck:infra: ok"
