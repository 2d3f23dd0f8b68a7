#!/usr/bin/env bash
# Regenerates man/*.1 and completions/ from the tools' argument parsers, so the documentation
# cannot drift from the flags. Never edit those files by hand; run this after changing a flag.
#   scripts/generate-docs.sh          write man/ and completions/
#   scripts/generate-docs.sh --check  exit 1 if the committed files differ from what the code generates
# man/rg-records.5 (the record contract) is written by hand and left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[ "${1:-}" = "--check" ] && check=1

# Every executable product in Package.swift.
tools=$(sed -n 's/.*\.executable(name: "\(rg-[a-z-]*\)".*/\1/p' Package.swift | sort)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/man" "$out/completions"

swift build >/dev/null
bin=$(swift build --show-bin-path)
# A fixed date keeps regenerated pages byte-identical; bump it when the docs change materially.
swift package --allow-writing-to-directory "$out/man" generate-manual --configuration debug \
    --date 2026-11-25 --authors "ReserveGrid" -o "$out/man" >/dev/null 2>&1
for tool in $tools; do
    "$bin/$tool" --generate-completion-script bash > "$out/completions/$tool.bash"
    "$bin/$tool" --generate-completion-script zsh > "$out/completions/_$tool"
    "$bin/$tool" --generate-completion-script fish > "$out/completions/$tool.fish"
done

if [ $check = 1 ]; then
    status=0
    for f in "$out"/man/rg-*.1 "$out"/completions/*; do
        rel=${f#"$out/"}
        if ! cmp -s "$f" "$rel"; then echo "docs drift: $rel differs from what the argument parser generates (run scripts/generate-docs.sh)"; status=1; fi
    done
    exit $status
fi
mkdir -p man completions
# Only the tools' pages: benchmark executables (gateway-bench) are not installed.
cp "$out"/man/rg-*.1 man/
cp "$out"/completions/* completions/
echo "wrote $(ls "$out"/man | wc -l) man pages and $(ls "$out"/completions | wc -l) completion scripts for: $(echo $tools)"
