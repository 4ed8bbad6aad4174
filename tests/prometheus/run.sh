#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A real Prometheus scrapes `exitstat export --listen` serving a captured
# stats file, and its HTTP API must give back the file's numbers: the
# counters per VM and reason, the host and retired totals, the histogram
# (buckets, count, a quantile of it) and the info and up gauges.
#
# Prometheus is Debian's (the prometheus package): the installed one, or
# else the package is fetched with apt-get download and unpacked under
# ~/.cache/exitstat (not installed, so no service is started).  Both run
# on 127.0.0.1 only, on free ports, Prometheus with a temporary storage
# directory and a 1 s scrape interval.  Prints TAP lines; ends its
# processes and removes its files however it stops.
#   tests/prometheus/run.sh        (EXITSTAT_BIN: the exitstat to test)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
fixture=$top/tests/fixtures/svm-6.1-live.stats
bin=${EXITSTAT_BIN:-$top/build/plain/exitstat}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/exitstat/prometheus
deadline=$((SECONDS + 45))

work=$(mktemp -d)
pids=()
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

fails=0
ok() { echo "ok - $*"; }
not_ok() {
	echo "not ok - $*"
	fails=$((fails + 1))
}
bail() { # the rest cannot run
	not_ok "$*"
	exit 1
}

# The prometheus binary: installed, cached, or fetched now.
find_prometheus() {
	local deb
	if command -v prometheus >/dev/null; then
		command -v prometheus
		return
	fi
	if [ ! -x "$cache/usr/bin/prometheus" ]; then
		mkdir -p "$cache" &&
			(cd "$work" && apt-get download -q prometheus >&2) &&
			deb=$(ls "$work"/prometheus_*.deb) &&
			dpkg-deb -x "$deb" "$cache" || return 1
	fi
	echo "$cache/usr/bin/prometheus"
}

# A TCP port nothing listens on (checked, then used: good enough here).
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || {
			echo "$p"
			return
		}
	done
	return 1
}

for tool in curl jq; do
	command -v "$tool" >/dev/null || bail "$tool is needed (apt-get install $tool)"
done
[ -x "$bin" ] || make -s -C "$top" all >&2 || bail "build exitstat"
prom=$(find_prometheus) || {
	echo "ok - # SKIP Debian's prometheus package is not available"
	exit 0
}

# The exporter, on a port of its choosing, serving a copy of the fixture.
mkdir -p "$work/root"
cp "$fixture" "$work/root/stats"
"$bin" export --listen 127.0.0.1:0 --root "$work/root" 2>"$work/export.err" &
pids+=($!)
eport=
while [ -z "$eport" ] && [ $SECONDS -lt $deadline ]; do
	sleep 0.1
	eport=$(sed -n 's|^exitstat export: serving http://127.0.0.1:\([0-9]*\)/metrics$|\1|p' \
		"$work/export.err")
done
[ -n "$eport" ] || bail "exitstat export --listen started: $(cat "$work/export.err")"
ok "exitstat export serves http://127.0.0.1:$eport/metrics"
curl -sf "http://127.0.0.1:$eport/metrics" >"$work/metrics" ||
	bail "GET /metrics"
if command -v promtool >/dev/null || [ -x "$(dirname "$prom")/promtool" ]; then
	pt=$(command -v promtool || echo "$(dirname "$prom")/promtool")
	if "$pt" check metrics <"$work/metrics" >"$work/promtool.out" 2>&1; then
		ok "promtool check metrics: no problem"
	else
		not_ok "promtool check metrics: $(head -3 "$work/promtool.out")"
	fi
fi

pport=$(free_port) || bail "a free port for Prometheus"
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: exitstat
    static_configs:
      - targets: ['127.0.0.1:$eport']
EOF
"$prom" --config.file="$work/prometheus.yml" \
	--storage.tsdb.path="$work/data" \
	--web.listen-address="127.0.0.1:$pport" \
	--log.level=warn >"$work/prometheus.log" 2>&1 &
pids+=($!)
api=http://127.0.0.1:$pport/api/v1

# query EXPR: "LABELS VALUE" lines of an instant query, sorted.
query() {
	curl -sf --get --data-urlencode "query=$1" "$api/query" |
		jq -r '.data.result[] | ((.metric | del(.__name__, .job, .instance)
			| to_entries | map("\(.key)=\(.value)") | join(","))
			+ " " + .value[1])' | sort
}

# Waits until the scraped series are there.
up=
while [ $SECONDS -lt $deadline ]; do
	up=$(query 'up{job="exitstat"}' 2>/dev/null)
	[ "$up" = " 1" ] && [ -n "$(query 'exitstat_exits_total' 2>/dev/null)" ] &&
		break
	sleep 0.5
done
if [ "$up" != " 1" ]; then
	sed 's/^/# /' "$work/prometheus.log" | tail -n 20
	bail "Prometheus scraped the exporter (up: '$up')"
fi
ok "Prometheus ($("$prom" --version 2>&1 | head -n 1)) scraped it: up 1"

# expect NAME EXPR WANT: the query's lines must be WANT.
expect() {
	local got
	got=$(query "$2")
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# query: $2"
		echo "# want:"
		sed 's/^/#   /' <<<"$3"
		echo "# got:"
		sed 's/^/#   /' <<<"$got"
	fi
}

# What the fixture says, read with awk: "LABELS VALUE" as query() prints.
from_fixture() { # KEYWORD FIELD: per-vCPU reason lines with code 0x7b
	awk -v kw="$1" -v f="$2" '$1 == kw && / code=0x7b / {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "code=0x7b,isa=svm,pid=150,reason=IOIO,vcpu=%s,vm=%s %s\n",
			v["vcpu"], v["vm"], v[f] }' "$fixture" | sort
}
field() { # KEYWORD FIELD: the value on the fixture's KEYWORD line
	awk -v kw="$1" -v f="$2" '$1 == kw { for (i = 2; i <= NF; i++)
		if (index($i, f "=") == 1) print substr($i, length(f) + 2) }' \
		"$fixture" | head -n 1
}
retired_io=$(awk '$1 == "retired-reason" && / code=0x7b / {
	sub(/.*exits=/, ""); print $1 }' "$fixture")

expect 'exitstat_exits_total{reason="IOIO"}: each vCPU as in the fixture' \
	'exitstat_exits_total{reason="IOIO"}' "$(from_fixture reason exits)"
expect 'exitstat_exit_cycles_total{reason="IOIO"}: each vCPU as in the fixture' \
	'exitstat_exit_cycles_total{reason="IOIO"}' "$(from_fixture reason cycles)"
expect 'sum(exitstat_exits_total) = the VMs'"'"' exits in the fixture' \
	'sum(exitstat_exits_total)' \
	" $(awk '$1 == "vm" { sub(/.*exits=/, ""); n += $1 } END { print n }' "$fixture")"
expect 'exitstat_host_exits_total = the total line' \
	'exitstat_host_exits_total' " $(field total exits)"
expect 'exitstat_retired_exits_total{reason="IOIO"} = its retired-reason line' \
	'exitstat_retired_exits_total{reason="IOIO"}' \
	"code=0x7b,isa=svm,reason=IOIO $retired_io"
expect 'exitstat_tsc_frequency_hertz = tsc_khz x 1000' \
	'exitstat_tsc_frequency_hertz' \
	" $(awk '$1 == "tsc_khz" { print $2 * 1000 }' "$fixture")"
expect 'exitstat_info{isa,kernel,scope} = 1' 'exitstat_info' \
	'isa=svm,kernel=6.1,scope=vm 1'
expect 'exitstat_up = 1' 'exitstat_up' ' 1'
# VM 7's IOIO: hist=15:264,16:33,17:4,18:1,21:1,23:3,24:1, cycles=81993360
expect 'histogram: cumulative buckets of VM 7 IOIO' \
	'exitstat_exit_cycles_bucket{vm="7",reason="IOIO",le=~"32767|65535|131071|262143|524287|16777215|33554431|\\+Inf"}' \
	"$(printf 'code=0x7b,isa=svm,le=%s,pid=150,reason=IOIO,vm=7 %s\n' \
		131071 297 16777215 306 262143 301 32767 0 33554431 307 \
		524287 302 65535 264 +Inf 307 | sort)"
expect 'histogram: _count and _sum of VM 7 IOIO' \
	'{__name__=~"exitstat_exit_cycles_(count|sum)",vm="7",reason="IOIO"}' \
	"$(printf 'code=0x7b,isa=svm,pid=150,reason=IOIO,vm=7 %s\n' 307 81993360 | sort)"
q='histogram_quantile(0.5, exitstat_exit_cycles_bucket{vm="7",reason="IOIO"})'
n=$(query "$q >= 32768 <= 65535")
if [ -n "$n" ]; then
	ok "histogram_quantile(0.5) of VM 7 IOIO:$n, in its bucket [32768, 65535]"
else
	not_ok "histogram_quantile(0.5) of VM 7 IOIO:$(query "$q"), not in [32768, 65535]"
fi
exit $((fails > 0))
