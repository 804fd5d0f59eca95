#!/usr/bin/env bash
# Checks the GitHub Actions workflows against GitHub's schema (action-validator, a dev dependency).
set -euo pipefail
cd "$(dirname "$0")/../.."
for file in .github/workflows/*.yml; do
	node_modules/.bin/action-validator "$file"
	echo "$file: valid"
done
