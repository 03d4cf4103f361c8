#!/usr/bin/env bash
# Run the Janus gateway in the PRODUCTION profile, in the foreground.
#
#   JANUS_ADMIN_SECRET=... JANUS_API_SECRET=... JANUS_TOKEN_SECRET=... \
#   JANUS_TLS_CERT=/etc/letsencrypt/live/gw.example.com/fullchain.pem \
#   JANUS_TLS_KEY=/etc/letsencrypt/live/gw.example.com/privkey.pem \
#   bash gateway-config/production/start-production.sh [extra janus flags...]
#
# The profile is the SAME .jcfg files as local development (the parent
# folder), rendered into a private temporary folder with these changes:
#   janus.jcfg        admin_secret, api_secret, token_auth = true,
#                     token_auth_secret from the environment;
#                     hide_dependencies; media.rtp_port_range;
#                     nat.stun_server / nat_1_1_mapping when given
#   websockets        wss on JANUS_WSS_PORT with the TLS certificate; plain
#                     ws off
#   http              Janus API over HTTP off; Admin API on 127.0.0.1 only
# It refuses to start when a secret is missing, is a well-known default,
# is shorter than 16 characters or is reused for two purposes, or when the
# certificate or key cannot be read.
#
# Environment (see env.example):
#   JANUS_ADMIN_SECRET    required  Admin API secret (127.0.0.1 only)
#   JANUS_API_SECRET      required  api_secret: server-side tools only, NEVER
#                                   a browser (a request carrying it needs
#                                   no token)
#   JANUS_TOKEN_SECRET    required  token_auth_secret; the application
#                                   server signs tokens with it
#   JANUS_TLS_CERT        required  PEM certificate (chain) for wss
#   JANUS_TLS_KEY         required  PEM private key for wss
#   JANUS_TLS_KEY_PASSWORD          passphrase of the key, if any
#   JANUS_WSS_PORT        8989      wss port
#   JANUS_WSS_IP          (all)     bind wss to one address only
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
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
base="$(dirname -- "$here")" # the shared .jcfg files

die() { echo "start-production.sh: $*" >&2; exit 1; }

command -v janus >/dev/null 2>&1 || die "janus is not installed (Debian/Ubuntu: apt-get install janus)"

# ------------------------------------------------------------------ secrets
# Known to everyone: the local defaults of this project and Janus's samples.
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
check_secret JANUS_TOKEN_SECRET
# One leaked secret must not give away another kind of access.
[ "$JANUS_ADMIN_SECRET" != "$JANUS_API_SECRET" ] || die "JANUS_ADMIN_SECRET and JANUS_API_SECRET must differ"
[ "$JANUS_ADMIN_SECRET" != "$JANUS_TOKEN_SECRET" ] || die "JANUS_ADMIN_SECRET and JANUS_TOKEN_SECRET must differ"
[ "$JANUS_API_SECRET" != "$JANUS_TOKEN_SECRET" ] || die "JANUS_API_SECRET and JANUS_TOKEN_SECRET must differ"

# --------------------------------------------------------------- TLS, ports
for var in JANUS_TLS_CERT JANUS_TLS_KEY; do
	[ -n "${!var:-}" ] || die "$var is required (path of a PEM file)"
	[ -r "${!var}" ] || die "$var: cannot read ${!var}"
done
check_value() { # name value regex what
	[[ "$2" =~ $3 ]] || die "$1 must be $4, got '$2'"
}
port_re='^[0-9]{1,5}$'
wss_port="${JANUS_WSS_PORT:-8989}"
admin_port="${JANUS_ADMIN_PORT:-7088}"
rtp_range="${JANUS_RTP_PORT_RANGE:-20000-40000}"
debug_level="${JANUS_DEBUG_LEVEL:-4}"
check_value JANUS_WSS_PORT "$wss_port" "$port_re" "a port number"
check_value JANUS_ADMIN_PORT "$admin_port" "$port_re" "a port number"
check_value JANUS_RTP_PORT_RANGE "$rtp_range" '^[0-9]{1,5}-[0-9]{1,5}$' "a range like 20000-40000"
check_value JANUS_DEBUG_LEVEL "$debug_level" '^[0-7]$' "0-7"
[ -z "${JANUS_WSS_IP:-}" ] || check_value JANUS_WSS_IP "$JANUS_WSS_IP" '^[0-9A-Fa-f.:]+$' "an IP address"
[ -z "${JANUS_PUBLIC_IP:-}" ] || check_value JANUS_PUBLIC_IP "$JANUS_PUBLIC_IP" '^[0-9A-Fa-f.:,]+$' "an IP address (or a comma-separated list)"
[ -z "${JANUS_STUN_SERVER:-}" ] || check_value JANUS_STUN_SERVER "$JANUS_STUN_SERVER" '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$' "host or host:port"
[ -z "${JANUS_TLS_KEY_PASSWORD:-}" ] || check_value JANUS_TLS_KEY_PASSWORD "$JANUS_TLS_KEY_PASSWORD" '^[^"\\]+$' "free of quotes and backslashes"
for var in JANUS_TLS_CERT JANUS_TLS_KEY; do
	check_value "$var" "${!var}" '^[^"\\|&]+$' "a path free of quotes, backslashes, | and &"
done

# --------------------------------------------------------------- recordings
# shellcheck source=recordings-dir.sh
. "$base/recordings-dir.sh"
recordings_dir="$(prepare_recordings_dir "$(dirname -- "$base")/recordings" "$base/janus.jcfg")" || exit 1

# ------------------------------------------------------------------- render
umask 077 # the rendered files hold the secrets
conf="$(mktemp -d "${TMPDIR:-/tmp}/kt-janus-prod.XXXXXX")"
trap 'rm -rf -- "$conf"' EXIT
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

core=janus.jcfg
set_jcfg $core general admin_secret "\"$JANUS_ADMIN_SECRET\""
set_jcfg $core general api_secret "\"$JANUS_API_SECRET\""
set_jcfg $core general token_auth true
set_jcfg $core general token_auth_secret "\"$JANUS_TOKEN_SECRET\""
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

ws=janus.transport.websockets.jcfg
set_jcfg $ws general ws false
set_jcfg $ws general wss true
set_jcfg $ws general wss_port "$wss_port"
[ -z "${JANUS_WSS_IP:-}" ] || set_jcfg $ws general wss_ip "\"$JANUS_WSS_IP\""
set_jcfg $ws certificates cert_pem "\"$JANUS_TLS_CERT\""
set_jcfg $ws certificates cert_key "\"$JANUS_TLS_KEY\""
[ -z "${JANUS_TLS_KEY_PASSWORD:-}" ] || set_jcfg $ws certificates cert_pwd "\"$JANUS_TLS_KEY_PASSWORD\""

http=janus.transport.http.jcfg
set_jcfg $http general http false # browsers use wss; no Janus API over plain HTTP
set_jcfg $http admin admin_port "$admin_port"

# The shared files must still keep the Admin API on loopback, and nothing
# may expose it over WebSockets.
grep -Eq '^[[:space:]]*admin_ip[[:space:]]*=[[:space:]]*"127\.0\.0\.1"' "$conf/$http" || die "$http must bind the Admin API to 127.0.0.1"
grep -Eq '^[[:space:]]*admin_(ws|wss)[[:space:]]*=[[:space:]]*true' "$conf/$ws" && die "$ws must not enable the Admin API"

echo "start-production.sh: wss :$wss_port${JANUS_WSS_IP:+ on $JANUS_WSS_IP}, Admin API 127.0.0.1:$admin_port, RTP $rtp_range, token auth on, recordings in $recordings_dir" >&2
[ -n "${JANUS_STUN_SERVER:-}${JANUS_PUBLIC_IP:-}" ] ||
	echo "start-production.sh: note: neither JANUS_STUN_SERVER nor JANUS_PUBLIC_IP is set; fine only if this host's own address is public" >&2

# ---------------------------------------------------------------------- run
# Janus runs as a child (not exec) so the EXIT trap can remove the rendered
# secrets afterwards; TERM/INT are passed on to it.
(cd -- "$recordings_dir" && exec janus -F "$conf" -C "$conf/$core" -o "$@") &
janus_pid=$!
trap 'kill -TERM "$janus_pid" 2>/dev/null || true' TERM INT HUP
status=0
wait "$janus_pid" || status=$?
# wait returns early when a trapped signal arrives: wait for Janus to finish.
while kill -0 "$janus_pid" 2>/dev/null; do wait "$janus_pid" || status=$?; done
exit "$status"
