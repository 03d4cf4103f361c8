#!/usr/bin/env bash
# Run the gateway in the PRODUCTION profile, in the foreground: Janus on
# loopback, and the gateway guard (guard.cjs, secure profile) in front of it,
# which is all that browsers can reach.
#
#   JANUS_ADMIN_SECRET=... JANUS_API_SECRET=... KT_TOKEN_SECRET=... \
#   KT_TLS_CERT=/etc/letsencrypt/live/gw.example.com/fullchain.pem \
#   KT_TLS_KEY=/etc/letsencrypt/live/gw.example.com/privkey.pem \
#   bash gateway-config/production/start-production.sh [extra janus flags...]
#
# Janus is the SAME .jcfg files as local development (the parent folder),
# rendered into a private temporary folder with these changes:
#   janus.jcfg        admin_secret and api_secret from the environment;
#                     hide_dependencies; media.rtp_port_range;
#                     nat.stun_server / nat_1_1_mapping when given
#   videoroom         admin_key (random, new on every start, known to Janus
#                     and the guard only) and lock_rtp_forward = true
#   websockets        plain ws on 127.0.0.1:JANUS_WS_PORT, for the guard only
#   http              Janus API over HTTP off; Admin API on 127.0.0.1 only
# Janus does no token auth: the guard checks every session's token (HS256,
# KT_TOKEN_SECRET), and is served either
#   - behind TLS of its own: KT_TLS_CERT + KT_TLS_KEY, wss on KT_WSS_PORT
#     (TLS terminated by the guard process, passed to its loopback port), or
#   - behind your TLS reverse proxy: KT_BEHIND_PROXY=1, the guard on
#     127.0.0.1:KT_GUARD_PORT (plain ws; the proxy terminates wss).
# One of the two is required. It refuses to start when a secret is missing,
# is a well-known default, is shorter than 16 characters or is reused for two
# purposes, when the certificate or key cannot be read, or when run as root
# (Janus writes the recordings: run it as an unprivileged user, as the
# Docker image does; KT_ALLOW_ROOT=1 overrides, for a throwaway machine).
# When Janus or the guard exits, the other is stopped and the script exits
# non-zero, so a supervisor (Docker's restart policy, systemd) restarts both.
#
# Environment (see env.example):
#   JANUS_ADMIN_SECRET    required  Admin API secret (127.0.0.1 only)
#   JANUS_API_SECRET      required  Janus's api_secret: the guard sends it;
#                                   other local processes need it to talk
#                                   to Janus
#   KT_TOKEN_SECRET       required  the guard's token secret; the
#                                   application server signs tokens with it
#   KT_TLS_CERT, KT_TLS_KEY         PEM certificate (chain) and key for wss
#   KT_TLS_KEY_PASSWORD             passphrase of the key, if any
#   KT_WSS_PORT           8989      wss port (with KT_TLS_*)
#   KT_WSS_IP             (all)     bind wss to one address only
#   KT_BEHIND_PROXY       unset     1: no TLS here, a reverse proxy in front
#   KT_GUARD_PORT         8188      the guard's plain ws port (127.0.0.1)
#   KT_GUARD_HOST         127.0.0.1 its address (KT_BEHIND_PROXY with a proxy
#                                   on another host of a private network)
#   JANUS_WS_PORT         8189      Janus's WebSocket (always 127.0.0.1)
#   JANUS_ADMIN_PORT      7088      Admin API port (always 127.0.0.1)
#   JANUS_RTP_PORT_RANGE  20000-40000  UDP ports for media: open them
#   JANUS_STUN_SERVER     (none)    host[:port] Janus uses to learn its
#                                   public address, e.g. your coturn
#   JANUS_PUBLIC_IP       (none)    nat_1_1_mapping: the public IP of a
#                                   1:1-NATed host (cloud VM)
#   JANUS_DEBUG_LEVEL     4         0-7
#   JANUS_RECORDINGS_DIR  <repo>/recordings  where room recordings (.mjr)
#                                   go: Janus's working directory (see
#                                   run-janus.sh); /recordings in the image
#   KT_ALLOW_ROOT         unset     1: run as root anyway
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
base="$(dirname -- "$here")" # gateway-config/: the shared .jcfg files, guard.cjs
guard_cli="$base/guard.cjs"

die() { echo "start-production.sh: $*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ] && [ "${KT_ALLOW_ROOT:-}" != 1 ]; then
	die "refusing to run as root: Janus writes recordings and the guard faces the network; run as an unprivileged user (the Docker image's 'kt', systemd User=), or set KT_ALLOW_ROOT=1"
fi
command -v janus >/dev/null 2>&1 || die "janus is not installed (Debian/Ubuntu: apt-get install janus)"
command -v node >/dev/null 2>&1 || die "node (>= 20) is not installed: the guard is a Node process"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || die "node >= 20 is required, found $(node --version)"
[ -r "$(dirname -- "$base")/dist/guard.cjs" ] || die "$(dirname -- "$base")/dist/guard.cjs is missing: run npm run build"

# ------------------------------------------------------------------ secrets
[ -z "${JANUS_TOKEN_SECRET:-}" ] || die "JANUS_TOKEN_SECRET is now KT_TOKEN_SECRET: tokens are checked by the guard, not by Janus"
# Known to everyone: the local defaults of this project and Janus's samples
# (the same list as gateway-config/start/secrets.cjs).
well_known=(kt-local-admin kt-local-token-secret kt-local-api-secret janusoverlord janus supersecret secret changeme password)

check_secret() { # name
	local name="$1" value="${!1:-}" known
	[ -n "$value" ] || die "$name is required (e.g. $name=\$(openssl rand -hex 32))"
	for known in "${well_known[@]}"; do
		[ "$value" != "$known" ] || die "$name is a well-known default ('$known'): use a long random string"
	done
	[ "${#value}" -ge 16 ] || die "$name must be at least 16 characters"
	case "$value" in
		*'"'* | *'\'* | *$'\n'* | *$'\r'*) die "$name must not contain quotes, backslashes or newlines" ;;
	esac
}
check_secret JANUS_ADMIN_SECRET
check_secret JANUS_API_SECRET
check_secret KT_TOKEN_SECRET
# One leaked secret must not give away another kind of access.
[ "$JANUS_ADMIN_SECRET" != "$JANUS_API_SECRET" ] || die "JANUS_ADMIN_SECRET and JANUS_API_SECRET must differ"
[ "$JANUS_ADMIN_SECRET" != "$KT_TOKEN_SECRET" ] || die "JANUS_ADMIN_SECRET and KT_TOKEN_SECRET must differ"
[ "$JANUS_API_SECRET" != "$KT_TOKEN_SECRET" ] || die "JANUS_API_SECRET and KT_TOKEN_SECRET must differ"

# --------------------------------------------------------------- TLS, ports
check_value() { # name value regex what
	[[ "$2" =~ $3 ]] || die "$1 must be $4, got '$2'"
}
if [ -n "${KT_TLS_CERT:-}${KT_TLS_KEY:-}" ]; then
	[ "${KT_BEHIND_PROXY:-}" != 1 ] || die "choose one: KT_TLS_CERT/KT_TLS_KEY (wss served here) or KT_BEHIND_PROXY=1 (TLS at your proxy)"
	for var in KT_TLS_CERT KT_TLS_KEY; do
		[ -n "${!var:-}" ] || die "$var is required with the other (path of a PEM file)"
		[ -r "${!var}" ] || die "$var: cannot read ${!var}"
	done
	tls=own
elif [ "${KT_BEHIND_PROXY:-}" = 1 ]; then
	tls=proxy
else
	die "no TLS: set KT_TLS_CERT and KT_TLS_KEY (the guard serves wss), or KT_BEHIND_PROXY=1 (a TLS reverse proxy in front of the guard)"
fi
port_re='^[0-9]{1,5}$'
wss_port="${KT_WSS_PORT:-8989}"
guard_port="${KT_GUARD_PORT:-8188}"
guard_host="${KT_GUARD_HOST:-127.0.0.1}"
janus_ws_port="${JANUS_WS_PORT:-8189}"
admin_port="${JANUS_ADMIN_PORT:-7088}"
rtp_range="${JANUS_RTP_PORT_RANGE:-20000-40000}"
debug_level="${JANUS_DEBUG_LEVEL:-4}"
check_value KT_WSS_PORT "$wss_port" "$port_re" "a port number"
check_value KT_GUARD_PORT "$guard_port" "$port_re" "a port number"
check_value KT_GUARD_HOST "$guard_host" '^[0-9A-Fa-f.:]+$' "an IP address"
check_value JANUS_WS_PORT "$janus_ws_port" "$port_re" "a port number"
check_value JANUS_ADMIN_PORT "$admin_port" "$port_re" "a port number"
check_value JANUS_RTP_PORT_RANGE "$rtp_range" '^[0-9]{1,5}-[0-9]{1,5}$' "a range like 20000-40000"
check_value JANUS_DEBUG_LEVEL "$debug_level" '^[0-7]$' "0-7"
[ -z "${KT_WSS_IP:-}" ] || check_value KT_WSS_IP "$KT_WSS_IP" '^[0-9A-Fa-f.:]+$' "an IP address"
[ -z "${JANUS_PUBLIC_IP:-}" ] || check_value JANUS_PUBLIC_IP "$JANUS_PUBLIC_IP" '^[0-9A-Fa-f.:,]+$' "an IP address (or a comma-separated list)"
[ -z "${JANUS_STUN_SERVER:-}" ] || check_value JANUS_STUN_SERVER "$JANUS_STUN_SERVER" '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$' "host or host:port"
ports=("$guard_port" "$janus_ws_port" "$admin_port")
[ "$tls" != own ] || ports+=("$wss_port")
[ "$(printf '%s\n' "${ports[@]}" | sort -u | wc -l)" -eq "${#ports[@]}" ] || die "the ports must differ: ${ports[*]}"

# --------------------------------------------------------------- recordings
# shellcheck source=../recordings-dir.sh
. "$base/recordings-dir.sh"
recordings_dir="$(prepare_recordings_dir "$(dirname -- "$base")/recordings" "$base/janus.jcfg")" || exit 1

# ------------------------------------------------------------------- render
umask 077 # the rendered files hold the secrets
conf="$(mktemp -d "${TMPDIR:-/tmp}/kt-janus-prod.XXXXXX")"
janus_pid=
guard_pid=
cleanup() {
	[ -z "$guard_pid" ] || kill -TERM "$guard_pid" 2>/dev/null || true
	[ -z "$janus_pid" ] || kill -TERM "$janus_pid" 2>/dev/null || true
	rm -rf -- "$conf"
}
trap cleanup EXIT
cp "$base"/*.jcfg "$conf"/

# set FILE GROUP KEY VALUE: rewrites the active `KEY = ...` line of FILE, or
# adds one at the top of its `GROUP: {` group. VALUE is a libconfig literal
# ("..." for strings); the values were checked above for quotes and
# backslashes.
set_jcfg() {
	local file="$conf/$1" group="$2" key="$3" value="$4"
	value="${value//&/\\&}"
	value="${value//|/\\|}"
	if grep -Eq "^[[:space:]]*${key}[[:space:]]*=" "$file"; then
		sed -E -i "0,/^([[:space:]]*${key}[[:space:]]*=[[:space:]]*)(\"[^\"]*\"|[^[:space:]#]+)/s||\\1${value}|" "$file"
	else
		grep -q "^${group}: {" "$file" || die "no '${group}: {' group in $1"
		sed -i "0,/^${group}: {/s||&\\n\\t${key} = ${value}|" "$file"
	fi
}

# Random per start: rooms and RTP forwarders are the guard's alone.
admin_key="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
[ "${#admin_key}" -eq 48 ] || die "could not read /dev/urandom"

core=janus.jcfg
set_jcfg $core general admin_secret "\"$JANUS_ADMIN_SECRET\""
set_jcfg $core general api_secret "\"$JANUS_API_SECRET\""
set_jcfg $core general hide_dependencies true # no library versions in "info"
set_jcfg $core general debug_level "$debug_level"
set_jcfg $core media rtp_port_range "\"$rtp_range\""
if [ -n "${JANUS_STUN_SERVER:-}" ]; then
	stun_host="${JANUS_STUN_SERVER%%:*}"
	stun_port=3478
	[[ "$JANUS_STUN_SERVER" != *:* ]] || stun_port="${JANUS_STUN_SERVER##*:}"
	set_jcfg $core nat stun_server "\"$stun_host\""
	set_jcfg $core nat stun_port "$stun_port"
fi
[ -z "${JANUS_PUBLIC_IP:-}" ] || set_jcfg $core nat nat_1_1_mapping "\"$JANUS_PUBLIC_IP\""

vr=janus.plugin.videoroom.jcfg
set_jcfg $vr general admin_key "\"$admin_key\""
set_jcfg $vr general lock_rtp_forward true

ws=janus.transport.websockets.jcfg
set_jcfg $ws general ws true
set_jcfg $ws general ws_port "$janus_ws_port"
set_jcfg $ws general wss false

http=janus.transport.http.jcfg
set_jcfg $http general http false # no Janus API over HTTP: nothing may bypass the guard
set_jcfg $http admin admin_port "$admin_port"

# The shared files must still keep Janus on loopback, and nothing may expose
# the Admin API over WebSockets.
grep -Eq '^[[:space:]]*ws_ip[[:space:]]*=[[:space:]]*"127\.0\.0\.1"' "$conf/$ws" || die "$ws must bind Janus's WebSocket to 127.0.0.1"
grep -Eq '^[[:space:]]*admin_ip[[:space:]]*=[[:space:]]*"127\.0\.0\.1"' "$conf/$http" || die "$http must bind the Admin API to 127.0.0.1"
if grep -Eq '^[[:space:]]*admin_(ws|wss)[[:space:]]*=[[:space:]]*true' "$conf/$ws"; then die "$ws must not enable the Admin API"; fi
grep -Eq 'libjanus_textroom\.so' "$conf/$core" || die "$core must disable the TextRoom plugin"

if [ "$tls" = own ]; then front="wss :$wss_port${KT_WSS_IP:+ on $KT_WSS_IP} (TLS here)"; else front="ws $guard_host:$guard_port for your TLS proxy"; fi
echo "start-production.sh: guard (secure profile) $front; Janus ws 127.0.0.1:$janus_ws_port, Admin API 127.0.0.1:$admin_port, RTP $rtp_range, recordings in $recordings_dir" >&2
[ -n "${JANUS_STUN_SERVER:-}${JANUS_PUBLIC_IP:-}" ] ||
	echo "start-production.sh: note: neither JANUS_STUN_SERVER nor JANUS_PUBLIC_IP is set; fine only if this host's own address is public" >&2

# ---------------------------------------------------------------------- run
# Both run as children (not exec), so the EXIT trap can remove the rendered
# secrets afterwards and stop the other when one ends. Each gets only the
# secrets it needs: Janus reads its own from the rendered files.
(cd -- "$recordings_dir" && exec env -u KT_TOKEN_SECRET -u JANUS_ADMIN_SECRET -u JANUS_API_SECRET -u KT_TLS_KEY_PASSWORD \
	janus -F "$conf" -C "$conf/$core" -o "$@") &
janus_pid=$!
guard_unset=(-u JANUS_ADMIN_SECRET -u KT_WSS_HOST)
guard_env=(KT_PROFILE=secure "KT_TOKEN_SECRET=$KT_TOKEN_SECRET" "JANUS_API_SECRET=$JANUS_API_SECRET" "JANUS_VIDEOROOM_ADMIN_KEY=$admin_key"
	"KT_GUARD_HOST=$guard_host" "KT_GUARD_PORT=$guard_port" "KT_JANUS_URL=ws://127.0.0.1:$janus_ws_port")
if [ "$tls" = own ]; then
	guard_env+=("KT_TLS_CERT=$KT_TLS_CERT" "KT_TLS_KEY=$KT_TLS_KEY" "KT_WSS_PORT=$wss_port")
	[ -z "${KT_WSS_IP:-}" ] || guard_env+=("KT_WSS_HOST=$KT_WSS_IP")
else
	guard_unset+=(-u KT_TLS_CERT -u KT_TLS_KEY -u KT_TLS_KEY_PASSWORD)
fi
(exec env "${guard_unset[@]}" "${guard_env[@]}" node "$guard_cli") &
guard_pid=$!

stopping=0
trap 'stopping=1; kill -TERM "$guard_pid" "$janus_pid" 2>/dev/null || true' TERM INT HUP
status=0
# Whichever ends first (or a signal) ends the gateway.
wait -n "$janus_pid" "$guard_pid" || status=$?
if [ "$stopping" = 0 ]; then
	if kill -0 "$janus_pid" 2>/dev/null; then who=guard; else who=Janus; fi
	echo "start-production.sh: $who exited (status $status): stopping the gateway" >&2
fi
kill -TERM "$guard_pid" "$janus_pid" 2>/dev/null || true
for pid in "$guard_pid" "$janus_pid"; do
	while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done
done
janus_pid=
guard_pid=
[ "$stopping" = 1 ] && exit 0
exit $((status == 0 ? 1 : status))
