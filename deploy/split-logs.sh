#!/bin/sh
# The course's daily log split (日志拆分), without losing a line: for each access log in LOG_DIR
# (access.log, or access.<instance>.log per PM2 process), rename it to access.<day>.log, send SIGHUP to
# the server named by its PID file (blog-server.pid / blog-server.<instance>.pid) and wait until the
# server has reopened access.log — from then on nothing writes to the renamed file — then gzip it.
# The course copies the file and empties it (cp + echo "" >): lines written between the two are lost.
# Use it with LOG_ROTATE=off (the server does not rotate by itself then). Crontab, at midnight:
#   0 0 * * * /path/to/blog-server/deploy/split-logs.sh /var/log/blog-server
#
# Usage: split-logs.sh [LOG_DIR [DAY]]   DAY (YYYY-MM-DD) defaults to yesterday.
set -eu

log_dir=${1:-${LOG_DIR:-./logs}}
day=${2:-$(date -d yesterday +%Y-%m-%d)}
status=0

for active in "$log_dir"/access.log "$log_dir"/access.*.log; do
    [ -f "$active" ] || continue
    name=$(basename "$active" .log)
    instance=${name#access}
    instance=${instance#.}
    case $instance in *[!0-9]*) continue ;; esac # a rotated file (access.2026-12-01.log), not an active one
    if [ -z "$instance" ]; then prefix=access pidfile=$log_dir/blog-server.pid; else prefix=access.$instance pidfile=$log_dir/blog-server.$instance.pid; fi

    # access.<day>.log, or .1, .2… if the day was already split (same names as the server's own rotation).
    target=$log_dir/$prefix.$day.log
    sequence=0
    while [ -e "$target" ] || [ -e "$target.gz" ]; do
        sequence=$((sequence + 1))
        target=$log_dir/$prefix.$day.$sequence.log
    done
    mv "$active" "$target"

    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -HUP "$pid" 2>/dev/null; then
        # The server recreates access.log once every earlier line is in the renamed file.
        waited=0
        while [ ! -e "$active" ]; do
            if [ "$waited" -ge 100 ]; then
                echo "split-logs: $pidfile ($pid) did not reopen $active within 10 s; $target left uncompressed" >&2
                status=1
                continue 2
            fi
            sleep 0.1
            waited=$((waited + 1))
        done
    fi
    gzip "$target"
done
exit "$status"
