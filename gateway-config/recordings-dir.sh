# Sourced by run-janus.sh and production/start-production.sh: the folder Janus records into.
#
# Janus's VideoRoom writes a room's recordings into the process's working directory when the room
# has no rec_dir (the SDK never sets one, so clients do not choose paths on the gateway), so that
# directory IS the recordings folder. Janus refuses to write into its protected_folders
# (janus.jcfg: /var, /usr, /etc, ...): say so at start rather than at the first recording, where
# it only logs an error.
#
#   recordings_dir="$(prepare_recordings_dir DEFAULT JCFG)"   # honours JANUS_RECORDINGS_DIR
prepare_recordings_dir() { # default jcfg
	local dir protected
	dir="$(realpath -m -- "${JANUS_RECORDINGS_DIR:-$1}")"
	while IFS= read -r protected; do
		case "$dir/" in
			"$protected"/*) die "JANUS_RECORDINGS_DIR $dir is inside $protected, a protected folder of janus.jcfg: Janus would refuse to record there" ;;
		esac
	done < <(sed -n '/^[[:space:]]*protected_folders/,/]/p' "$2" | grep -o '"/[^"]*"' | tr -d '"')
	mkdir -p -- "$dir" || die "cannot create JANUS_RECORDINGS_DIR $dir"
	[ -w "$dir" ] || die "JANUS_RECORDINGS_DIR $dir is not writable"
	printf '%s\n' "$dir"
}
