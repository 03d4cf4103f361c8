#!/usr/bin/env bash
# Run Janus in the FOREGROUND from this folder's configuration: Janus ALONE,
# on loopback, for the gateway guard in front of it. Browsers never talk to
# this process; `npm run gateway` / `node gateway-config/start.cjs` start
# Janus through this script and the guard (guard.cjs) in front of it.
#
#   bash gateway-config/run-janus.sh [extra janus flags...]
#
# Works from any working directory. Uses `exec`, so the process id of this
# script becomes the pid of Janus itself: signalling it (SIGINT/SIGTERM)
# stops Janus directly.
#
# Environment overrides (defaults are the values in the .jcfg files):
#   JANUS_WS_PORT       WebSocket (Janus API, the guard's link; 127.0.0.1)
#                                                 default 8189
#   JANUS_ADMIN_PORT    HTTP Admin API (127.0.0.1)  default 7088
#   JANUS_ADMIN_SECRET  Admin API secret        default kt-local-admin
#   JANUS_DEBUG_LEVEL   0-7                     default 4
#   JANUS_API_SECRET    api_secret (the guard sends it with every request;
#                       other local processes then need it too)
#                                               default unset (off)
#   JANUS_RECORDINGS_DIR  where the VideoRoom writes recordings (.mjr):
#                       Janus runs with this folder as its working
#                       directory, which is where the plugin writes when a
#                       room has no rec_dir (the guard never lets one
#                       through, so clients do not choose paths on the
#                       gateway). Created if missing.  default <repo>/recordings
#   JANUS_VIDEOROOM_ADMIN_KEY  VideoRoom admin_key: only requests carrying it
#                       may create rooms (the guard's); also sets
#                       lock_rtp_forward = true, so rtp_forward needs it
#                       too. start.cjs passes a fresh random one on every
#                       start.                     default unset (off)
#   JANUS_SESSION_TIMEOUT  session_timeout in seconds (a session without
#                       any request for that long is destroyed)  default 60
# When any of them is set, the .jcfg files are copied to a fresh temporary
# folder and rewritten there, so the committed files always stay the
# defaults. That folder is removed once Janus has exited.
#
# Janus does no token auth and has no TextRoom: JANUS_TOKEN_SECRET and
# JANUS_TEXTROOM_ADMIN_KEY are refused (tokens are the guard's,
# KT_TOKEN_SECRET; see README.md).
#
# If `janus` is missing and apt-get exists, the Debian package is installed
# (as root, or through sudo when available).
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"

die() { echo "run-janus.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- janus binary
if ! command -v janus >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1; then
		if [ "$(id -u)" -eq 0 ]; then
			as_root=()
		elif command -v sudo >/dev/null 2>&1; then
			as_root=(sudo)
		else
			die "janus is not installed and installing it needs root (apt-get install -y janus)"
		fi
		echo "run-janus.sh: janus not found, installing the Debian package..." >&2
		"${as_root[@]}" apt-get update
		"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y janus
		# On systemd machines the package also starts a "janus" service from
		# /etc/janus on the same default ports; stop it so it does not hold
		# them (it is left enabled: `systemctl disable janus` to keep it off).
		if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet janus 2>/dev/null; then
			echo "run-janus.sh: stopping the packaged janus service (it uses the same ports)" >&2
			"${as_root[@]}" systemctl stop janus || true
		fi
	fi
	command -v janus >/dev/null 2>&1 || die "janus is not installed (Debian/Ubuntu: apt-get install janus)"
fi

# ------------------------------------------------------------------ overrides
check_port() { # name value
	[[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || die "$1 must be a TCP port number, got '$2'"
}

[ -z "${JANUS_TOKEN_SECRET:-}" ] ||
	die "JANUS_TOKEN_SECRET is no longer used: Janus does no token auth, the gateway guard checks the tokens (KT_TOKEN_SECRET; npm run gateway -- --secure)"
[ -z "${JANUS_TEXTROOM_ADMIN_KEY:-}" ] ||
	die "JANUS_TEXTROOM_ADMIN_KEY: the TextRoom plugin is disabled (janus.jcfg); messages go through the guard"

ws_port="${JANUS_WS_PORT:-}"
admin_port="${JANUS_ADMIN_PORT:-}"
admin_secret="${JANUS_ADMIN_SECRET:-}"
debug_level="${JANUS_DEBUG_LEVEL:-}"
api_secret="${JANUS_API_SECRET:-}"
videoroom_admin_key="${JANUS_VIDEOROOM_ADMIN_KEY:-}"
session_timeout="${JANUS_SESSION_TIMEOUT:-}"

[ -z "$ws_port" ] || check_port JANUS_WS_PORT "$ws_port"
[ -z "$admin_port" ] || check_port JANUS_ADMIN_PORT "$admin_port"
if [ -n "$debug_level" ] && ! [[ "$debug_level" =~ ^[0-7]$ ]]; then
	die "JANUS_DEBUG_LEVEL must be 0-7, got '$debug_level'"
fi
if [ -n "$session_timeout" ] && ! [[ "$session_timeout" =~ ^[1-9][0-9]{0,4}$ ]]; then
	die "JANUS_SESSION_TIMEOUT must be a number of seconds (1-99999), got '$session_timeout'"
fi
check_secret() { # name value
	# It ends up inside a "..." libconfig string and a sed replacement.
	case "$2" in
		*'"'* | *'\'* | *$'\n'* | *$'\r'*) die "$1 must not contain quotes, backslashes or newlines" ;;
	esac
}
[ -z "$admin_secret" ] || check_secret JANUS_ADMIN_SECRET "$admin_secret"
[ -z "$api_secret" ] || check_secret JANUS_API_SECRET "$api_secret"
[ -z "$videoroom_admin_key" ] || check_secret JANUS_VIDEOROOM_ADMIN_KEY "$videoroom_admin_key"

# --------------------------------------------------------------- recordings
# shellcheck source=recordings-dir.sh
. "$here/recordings-dir.sh"
recordings_dir="$(prepare_recordings_dir "$(dirname -- "$here")/recordings" "$here/janus.jcfg")" || exit 1

conf="$here"
if [ -n "$ws_port$admin_port$admin_secret$debug_level$api_secret$videoroom_admin_key$session_timeout" ]; then
	conf="$(mktemp -d "${TMPDIR:-/tmp}/kt-janus-conf.XXXXXX")"
	conf="$(cd -- "$conf" && pwd -P)" # absolute: Janus starts in the recordings folder
	cp "$here"/*.jcfg "$conf"/

	# rewrite FILE KEY VALUE: replaces the value of the first active
	# (uncommented) `KEY = ...` line, keeping any trailing comment.
	rewrite() {
		local file="$conf/$1" key="$2" value="$3"
		grep -Eq "^[[:space:]]*${key}[[:space:]]*=" "$file" || die "no '$key' setting in $1"
		value="${value//&/\\&}"
		value="${value//|/\\|}"
		sed -E -i "0,/^([[:space:]]*${key}[[:space:]]*=[[:space:]]*)(\"[^\"]*\"|[^[:space:]#]+)/s||\\1${value}|" "$file"
	}
	# add_general FILE SETTING: adds a setting the committed file leaves
	# unset (commented out) at the top of its general: { } group.
	add_general() {
		local file="$conf/$1" line="$2" key="${2%% *}"
		grep -q '^general: {' "$file" || die "no 'general: {' group in $1"
		! grep -Eq "^[[:space:]]*${key}[[:space:]]*=" "$file" || die "$1 already sets '$key'"
		line="${line//&/\\&}"
		line="${line//|/\\|}"
		sed -i "0,/^general: {/s||&\n\t${line}|" "$file"
	}
	[ -z "$ws_port" ] || rewrite janus.transport.websockets.jcfg ws_port "$ws_port"
	[ -z "$admin_port" ] || rewrite janus.transport.http.jcfg admin_port "$admin_port"
	[ -z "$admin_secret" ] || rewrite janus.jcfg admin_secret "\"$admin_secret\""
	[ -z "$debug_level" ] || rewrite janus.jcfg debug_level "$debug_level"
	[ -z "$api_secret" ] || add_general janus.jcfg "api_secret = \"$api_secret\""
	[ -z "$session_timeout" ] || rewrite janus.jcfg session_timeout "$session_timeout"
	if [ -n "$videoroom_admin_key" ]; then
		add_general janus.plugin.videoroom.jcfg "admin_key = \"$videoroom_admin_key\""
		# Only meaningful with an admin_key: rtp_forward then needs the key as well.
		add_general janus.plugin.videoroom.jcfg "lock_rtp_forward = true"
	fi

	# Remove the temporary folder once Janus (which will be this very pid
	# after exec) has exited. Detached from our stdout/stderr so it never
	# keeps a log pipe open.
	janus_pid=$$
	(
		trap '' INT TERM HUP
		while kill -0 "$janus_pid" 2>/dev/null; do sleep 1; done
		rm -rf -- "$conf"
	) </dev/null >/dev/null 2>&1 &
	disown || true
fi

echo "run-janus.sh: janus -F $conf -C $conf/janus.jcfg -o $* (recordings: $recordings_dir)" >&2
cd -- "$recordings_dir"
exec janus -F "$conf" -C "$conf/janus.jcfg" -o "$@"
