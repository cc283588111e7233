#!/usr/bin/env bash
# Publishes or removes a pull-request preview on a self-hosted nginx host, over SSH (issue 18).
# Used by .github/workflows/site.yml and preview-closed.yml; see deploy/PUBLISHING.md.
#
#   deploy/preview-ssh.sh publish <name> <built site dir>
#   deploy/preview-ssh.sh remove <name>
#
# Environment (the workflows take them from repository secrets):
#   PREVIEW_SSH_HOST, PREVIEW_SSH_USER   where to log in
#   PREVIEW_SSH_KEY                      private key of a deploy-only account on that host
#   PREVIEW_SSH_KNOWN_HOSTS              the host's public key line(s) (ssh-keyscan output): the host is
#                                        checked against it, never trusted on first use
#   PREVIEW_TARGET                       the deploy root on the host (e.g. /srv/runbooks)
#   PREVIEW_PRUNE_DAYS                   optional: remove previews not published for this many days (14)
#
# The host needs only Node 20+ and sshd: scripts/deploy.ts is bundled into one file and sent with
# the site, so the host runs exactly the deploy code of this commit, with its checks.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: deploy/preview-ssh.sh publish <name> <site dir> | remove <name>" >&2; exit 2; }
action=${1:-}
name=${2:-}
[ -n "$name" ] || usage
case $action in publish) [ -n "${3:-}" ] || usage ;; remove) ;; *) usage ;; esac
for v in PREVIEW_SSH_HOST PREVIEW_SSH_USER PREVIEW_SSH_KEY PREVIEW_SSH_KNOWN_HOSTS PREVIEW_TARGET; do
  if [ -z "${!v:-}" ]; then
    echo "preview-ssh: $v is not set. Add it as a repository secret (Settings -> Secrets and variables -> Actions); see deploy/PUBLISHING.md." >&2
    exit 1
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(umask 077 && printf '%s\n' "$PREVIEW_SSH_KEY" >"$work/key" && printf '%s\n' "$PREVIEW_SSH_KNOWN_HOSTS" >"$work/known_hosts")
ssh_cmd=(ssh -i "$work/key" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$work/known_hosts" "$PREVIEW_SSH_USER@$PREVIEW_SSH_HOST")

mkdir "$work/upload"
npx --no-install esbuild scripts/deploy.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning --outfile="$work/upload/deploy.mjs"
if [ "$action" = publish ]; then
  cp -RL "$3" "$work/upload/site" # the build folder is a symlink to the release: send real files
fi

# Remote words are quoted for the remote shell; the name is checked by deploy itself.
incoming=".runbook-smith-incoming/$(date +%s)-$$"
deploy_args=(--target "$PREVIEW_TARGET" --prune-previews-days "${PREVIEW_PRUNE_DAYS:-14}")
if [ "$action" = publish ]; then
  deploy_args+=(--preview "$name" --source "$incoming/site")
else
  deploy_args+=(--remove-preview "$name")
fi
remote_cmd="mkdir -p $incoming && tar -xzf - -C $incoming && { node $incoming/deploy.mjs$(printf ' %q' "${deploy_args[@]}"); status=\$?; rm -rf $incoming; exit \$status; }"
tar -C "$work/upload" -czf - . | "${ssh_cmd[@]}" "$remote_cmd"
