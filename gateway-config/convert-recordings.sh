#!/usr/bin/env bash
# Converts the gateway's recordings (.mjr: the raw RTP that Janus's VideoRoom
# saves, one file per stream) into files a player opens, with janus-pp-rec
# (Debian package janus-tools).
#
#   bash gateway-config/convert-recordings.sh [folder] [outdir]
#   npm run recordings:convert -- [folder] [outdir]
#
#   folder  the recordings folder; default $JANUS_RECORDINGS_DIR, else
#           <repo>/recordings (where run-janus.sh has Janus record)
#   outdir  where the converted files go; default: the folder itself
#
# Each .mjr becomes a file of the same name: VP8/VP9 video -> .webm,
# H.264/H.265/AV1 video -> .mp4, Opus audio -> .opus, G.711/G.722/L16 audio
# -> .wav, data channel text -> .srt. With ffmpeg installed, the audio and
# the video that one member sent together (same room, user and label, started
# within a second of each other) are also put into one file,
# <room-user-start>.webm (.mkv when the video is not VP8/VP9).
# A file whose output is newer than its .mjr is skipped, so the script can be
# run again on a folder that is still being recorded into.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"

usage() {
	sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}
die() { echo "convert-recordings.sh: $*" >&2; exit 1; }

case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -le 2 ] || { usage >&2; exit 2; }

folder="${1:-${JANUS_RECORDINGS_DIR:-$(dirname -- "$here")/recordings}}"
outdir="${2:-$folder}"
[ -d "$folder" ] || die "no such folder: $folder (usage: convert-recordings.sh [folder] [outdir])"
command -v janus-pp-rec >/dev/null 2>&1 ||
	die "janus-pp-rec is not installed (Debian/Ubuntu: apt-get install janus-tools)"
mkdir -p -- "$outdir"
have_ffmpeg=false
command -v ffmpeg >/dev/null 2>&1 && have_ffmpeg=true

# field NAME JSON: a string field of janus-pp-rec's one-line JSON header.
field() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }

# extension CODEC: the output file type janus-pp-rec writes for a codec.
extension() {
	case "$1" in
		vp8 | vp9) echo webm ;;
		h264 | h265 | av1) echo mp4 ;;
		opus | multiopus) echo opus ;;
		pcmu | pcma | g711 | g722 | l16 | l16-48) echo wav ;;
		text) echo srt ;;
		*) return 1 ;;
	esac
}

# The VideoRoom names a member's streams videoroom-<room>-user-<user>-<start
# in microseconds>-<audio|video|data>-<m-line>; one start of recording
# creates them all within milliseconds.
name_re='^(.*)-([0-9]+)-(audio|video|data)-[0-9]+$'

converted=0 failed=0 skipped=0
audios=() videos=()
shopt -s nullglob
for mjr in "$folder"/*.mjr; do
	base="$(basename -- "$mjr" .mjr)"
	header="$(janus-pp-rec -j "$mjr" 2>/dev/null | grep -m1 '^{' || true)"
	codec="$(field c "$header")"
	ext="$(extension "$codec")" || { echo "skipped $base.mjr: unknown codec '${codec:-?}'" >&2; skipped=$((skipped + 1)); continue; }
	out="$outdir/$base.$ext"
	if [ ! "$out" -nt "$mjr" ]; then
		if janus-pp-rec "$mjr" "$out" >"$outdir/.$base.log" 2>&1 && [ -s "$out" ]; then
			rm -f -- "$outdir/.$base.log"
			echo "$out"
			converted=$((converted + 1))
		else
			echo "failed: $base.mjr (janus-pp-rec output in $outdir/.$base.log)" >&2
			rm -f -- "$out"
			failed=$((failed + 1))
			continue
		fi
	fi
	# Remember audio and video of VideoRoom feeds for muxing: "feed|start|label|file|codec".
	if [[ "$base" =~ $name_re ]]; then
		entry="${BASH_REMATCH[1]}|${BASH_REMATCH[2]}|$(field d "$header")|$out|$codec"
		case "${BASH_REMATCH[3]}" in
			audio) audios+=("$entry") ;;
			video) videos+=("$entry") ;;
		esac
	fi
done

muxed=0
if $have_ffmpeg; then
	for v in "${videos[@]}"; do
		IFS='|' read -r feed start label vfile vcodec <<<"$v"
		for a in "${audios[@]}"; do
			IFS='|' read -r afeed astart alabel afile _ <<<"$a"
			[ "$afeed" = "$feed" ] && [ "$alabel" = "$label" ] || continue
			gap=$((astart - start))
			[ "${gap#-}" -lt 1000000 ] || continue
			case "$vcodec" in vp8 | vp9) mext=webm ;; *) mext=mkv ;; esac
			out="$outdir/$feed-$start.$mext"
			if [ ! "$out" -nt "$vfile" ] || [ ! "$out" -nt "$afile" ]; then
				if ffmpeg -nostdin -loglevel error -y -i "$vfile" -i "$afile" -map 0:v -map 1:a -c copy "$out"; then
					echo "$out"
					muxed=$((muxed + 1))
				else
					echo "failed to mux $vfile and $afile" >&2
					rm -f -- "$out"
					failed=$((failed + 1))
				fi
			fi
			break
		done
	done
else
	echo "note: ffmpeg not found, audio and video stay separate files (apt-get install ffmpeg)" >&2
fi

echo "convert-recordings.sh: $converted converted, $muxed muxed, $skipped skipped, $failed failed ($outdir)" >&2
[ "$failed" -eq 0 ]
