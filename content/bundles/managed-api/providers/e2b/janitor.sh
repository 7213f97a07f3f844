#!/bin/sh
# Watchdog janitor for E2B sandboxes started by a Sandbox Atlas agent.
#
# The first line of defence is the hard timeout set at creation
# (timeoutMs = {{lifetime_ms}} in security/sandbox-settings.json, with
# lifecycle.onTimeout = "kill"); this script is the second: it lists the
# running sandboxes that carry our metadata tag and kills every one that
# has run longer than MAX_AGE_S, or whose end time has passed.  Run it
# every minute (cron, a Kubernetes CronJob or a systemd timer).
#
# E2B REST API, as documented:
#   GET    /v2/sandboxes?state=running&metadata=...   list (paginated,
#          next page cursor in the x-next-token response header)
#   DELETE /sandboxes/{sandboxID}                     kill
#   header X-API-Key
#   https://e2b.dev/docs/api-reference/sandboxes/list-sandboxes-v2
#   https://e2b.dev/docs/api-reference/sandboxes/kill-sandbox
#   https://e2b.dev/docs/sandbox (timeouts and lifecycle)
#
# Environment:
#   E2B_API_KEY    the API key (read it from your secret store; never
#                  pass it into a sandbox)
#   E2B_API_URL    default https://api.e2b.app
#   MAX_AGE_S      default {{max_age_s}} (sandbox lifetime plus a margin)
#   DRY_RUN=1      list what would be killed, kill nothing
#   TEXTFILE_DIR   if set, write Prometheus textfile metrics there
#                  (node_exporter textfile collector) for
#                  monitoring/alerts.yaml
# Exit status: 0 when nothing was overdue or every overdue sandbox was
# killed; 1 when a kill failed; 2 on a usage or API error.
set -eu

: "${E2B_API_KEY:?E2B_API_KEY is not set}"
api=${E2B_API_URL:-https://api.e2b.app}
max_age=${MAX_AGE_S:-{{max_age_s}}}
tag='{{metadata_query}}'
now=$(date -u +%s)
hdr=$(mktemp)
body=$(mktemp)
trap 'rm -f "$hdr" "$body"' EXIT INT TERM

case $max_age in
''|*[!0-9]*) echo "janitor: MAX_AGE_S must be a whole number of seconds" >&2; exit 2 ;;
esac

# curl_api METHOD PATH: the HTTP status on stdout, the body in $body.
curl_api() {
	curl -sS --max-time 20 --retry 2 --retry-delay 1 -X "$1" \
	    -H "X-API-Key: $E2B_API_KEY" -D "$hdr" -o "$body" \
	    -w '%{http_code}' "$api$2"
}

overdue=
next=
while :; do
	path="/v2/sandboxes?state=running&limit=100&metadata=$tag"
	[ -n "$next" ] && path="$path&nextToken=$next"
	code=$(curl_api GET "$path") || { echo "janitor: cannot reach $api" >&2; exit 2; }
	[ "$code" = 200 ] || { echo "janitor: list failed: HTTP $code" >&2; exit 2; }
	overdue="$overdue $(jq -r --argjson now "$now" --argjson max "$max_age" '
	    .[] | select(
	        ($now - (.startedAt | sub("\\.[0-9]+"; "") | fromdateiso8601) > $max)
	        or ((.endAt | sub("\\.[0-9]+"; "") | fromdateiso8601) < $now))
	    | .sandboxID' "$body")"
	next=$(tr -d '\r' <"$hdr" | awk -F': ' 'tolower($1) == "x-next-token" {print $2}')
	[ -n "$next" ] || break
done

rc=0
n=0
killed=0
for id in $overdue; do
	n=$((n + 1))
	if [ "${DRY_RUN:-0}" = 1 ]; then
		echo "janitor: would kill $id"
		continue
	fi
	code=$(curl_api DELETE "/sandboxes/$id") || code=000
	case $code in
	204|200) echo "janitor: killed $id"; killed=$((killed + 1)) ;;
	404) echo "janitor: $id already gone" ;;
	*) echo "janitor: kill $id failed: HTTP $code" >&2; rc=1 ;;
	esac
done
echo "janitor: $n overdue sandbox(es)"
if [ -n "${TEXTFILE_DIR:-}" ]; then
	prom=$TEXTFILE_DIR/sandbox_janitor_e2b.prom
	prev=$(awk '/^sandbox_janitor_killed_total/ {print $2}' "$prom" 2>/dev/null || true)
	last=$(awk '/^sandbox_janitor_last_success_timestamp_seconds/ {print $2}' "$prom" 2>/dev/null || true)
	[ "$rc" = 0 ] && last=$now
	{
		echo "# TYPE sandbox_janitor_killed_total counter"
		echo "sandbox_janitor_killed_total{provider=\"e2b\"} $(( ${prev:-0} + killed ))"
		echo "# TYPE sandbox_janitor_last_success_timestamp_seconds gauge"
		echo "sandbox_janitor_last_success_timestamp_seconds{provider=\"e2b\"} ${last:-0}"
	} >"$prom.tmp" && mv "$prom.tmp" "$prom"
fi
exit $rc
