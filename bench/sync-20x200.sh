#!/usr/bin/env bash
# Rough CLI figures for the core issue: cold and no-op `hero-team sync` of 20 roles × 200 skills
# (3 files of ~4 KB each), wall time including node+tsx startup. Temp tree only; prints the figures.
# Run: bash bench/sync-20x200.sh
set -euo pipefail
cd "$(dirname "$0")/.."
T=$(mktemp -d "${TMPDIR:-/tmp}/ht-sync-XXXX")
trap 'rm -rf "$T"' EXIT
export HERO_TEAM_HOME=$T/home HERO_SKILLS_DIR=$T/reg KIMI_ROLES_DIR=$T/roles HERO_SOCKET_DIR=$T/sock KIMI_API_KEY=k HOME=$T/fakehome
node -e '
const fs = require("fs"), crypto = require("crypto"), T = process.argv[1];
const blob = () => crypto.randomBytes(3000).toString("base64");
const skills = [];
for (let i = 0; i < 200; i++) {
  const s = "s" + String(i).padStart(3, "0"); skills.push(s);
  fs.mkdirSync(`${T}/reg/${s}/scripts`, { recursive: true });
  fs.writeFileSync(`${T}/reg/${s}/SKILL.md`, `---\nname: ${s}\ndescription: d\n---\n${blob()}\n`);
  fs.writeFileSync(`${T}/reg/${s}/ref.md`, blob());
  fs.writeFileSync(`${T}/reg/${s}/scripts/run.sh`, blob());
}
fs.mkdirSync(`${T}/home`, { recursive: true });
const roles = Array.from({ length: 20 }, (_, i) => ({ name: "r" + i, model: "kimi-code/kimi-for-coding", skills }));
fs.writeFileSync(`${T}/home/store.json`, JSON.stringify({ version: 1, roles }));
' "$T"
t() { local s=$EPOCHREALTIME; "$@" > /dev/null; awk -v a="$s" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
echo "cold sync, 20 roles x 200 skills: $(t ./bin/hero-team.js sync) s ($(find "$T/roles" -type f | wc -l) files)"
echo "no-op sync:                       $(t ./bin/hero-team.js sync) s"
echo "CLI startup (hero-team help):     $(t ./bin/hero-team.js help) s"
