#!/bin/sh
# Watchdog janitor for Fly Machines started by a Sandbox Atlas agent.
#
# The first line of defence is the Machine's own lifetime: its main
# process is `sleep {{lifetime_s}}` and auto_destroy removes it when that
# ends (security/sandbox-settings.json).  This script is the second: it
# lists the Machines of the sandbox app that carry our metadata and
# force-destroys every one created more than MAX_AGE_S ago.  Run it every
# minute (cron, a Kubernetes CronJob or a systemd timer).
#
# Fly Machines API, as documented:
#   GET    /v1/apps/{app}/machines?metadata.managed-by=sandbox-atlas
#   DELETE /v1/apps/{app}/machines/{id}?force=true
#   header Authorization: Bearer $FLY_API_TOKEN
#   https://fly.io/docs/machines/api/machines-resource/
#
# Environment:
#   FLY_API_TOKEN  a deploy token scoped to the sandbox app (fly tokens
#                  create deploy -a sandbox-atlas-tools), from your
#                  secret store
#   FLY_API_URL    default https://api.machines.dev
#   FLY_APP        default sandbox-atlas-tools
#   MAX_AGE_S      default {{max_age_s}} (sandbox lifetime plus a margin)
#   DRY_RUN=1      list what would be destroyed, destroy nothing
#   TEXTFILE_DIR   if set, write Prometheus textfile metrics there
# Exit status: 0 when nothing was overdue or every overdue Machine was
# destroyed; 1 when a destroy failed; 2 on a usage or API error.
set -eu

: "${FLY_API_TOKEN:?FLY_API_TOKEN is not set}"
api=${FLY_API_URL:-https://api.machines.dev}
app=${FLY_APP:-sandbox-atlas-tools}
max_age=${MAX_AGE_S:-{{max_age_s}}}
now=$(date -u +%s)
body=$(mktemp)
trap 'rm -f "$body"' EXIT INT TERM

case $max_age in
''|*[!0-9]*) echo "janitor: MAX_AGE_S must be a whole number of seconds" >&2; exit 2 ;;
esac

# curl_api METHOD PATH: the HTTP status on stdout, the body in $body.
curl_api() {
	curl -sS --max-time 20 --retry 2 --retry-delay 1 -X "$1" \
	    -H "Authorization: Bearer $FLY_API_TOKEN" -o "$body" \
	    -w '%{http_code}' "$api$2"
}

code=$(curl_api GET "/v1/apps/$app/machines?metadata.managed-by=sandbox-atlas") ||
    { echo "janitor: cannot reach $api" >&2; exit 2; }
[ "$code" = 200 ] || { echo "janitor: list failed: HTTP $code" >&2; exit 2; }
overdue=$(jq -r --argjson now "$now" --argjson max "$max_age" '
    .[] | select(.config.metadata["managed-by"] == "sandbox-atlas")
    | select(.state != "destroyed")
    | select($now - (.created_at | sub("\\.[0-9]+"; "") | fromdateiso8601) > $max)
    | .id' "$body")

rc=0
n=0
killed=0
for id in $overdue; do
	n=$((n + 1))
	if [ "${DRY_RUN:-0}" = 1 ]; then
		echo "janitor: would destroy $id"
		continue
	fi
	code=$(curl_api DELETE "/v1/apps/$app/machines/$id?force=true") || code=000
	case $code in
	200|204) echo "janitor: destroyed $id"; killed=$((killed + 1)) ;;
	404) echo "janitor: $id already gone" ;;
	*) echo "janitor: destroy $id failed: HTTP $code" >&2; rc=1 ;;
	esac
done
echo "janitor: $n overdue Machine(s)"
if [ -n "${TEXTFILE_DIR:-}" ]; then
	prom=$TEXTFILE_DIR/sandbox_janitor_fly-machines.prom
	prev=$(awk '/^sandbox_janitor_killed_total/ {print $2}' "$prom" 2>/dev/null || true)
	last=$(awk '/^sandbox_janitor_last_success_timestamp_seconds/ {print $2}' "$prom" 2>/dev/null || true)
	[ "$rc" = 0 ] && last=$now
	{
		echo "# TYPE sandbox_janitor_killed_total counter"
		echo "sandbox_janitor_killed_total{provider=\"fly-machines\"} $(( ${prev:-0} + killed ))"
		echo "# TYPE sandbox_janitor_last_success_timestamp_seconds gauge"
		echo "sandbox_janitor_last_success_timestamp_seconds{provider=\"fly-machines\"} ${last:-0}"
	} >"$prom.tmp" && mv "$prom.tmp" "$prom"
fi
exit $rc
