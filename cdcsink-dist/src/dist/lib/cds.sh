# Class-data sharing for cdc-sink's launchers, sourced by both: bin/cdc-sink of the release archive and ./cdc-sink of
# the source tree. POSIX sh.
#
# The JVM maps the classes cdc-sink loads at start-up from an archive instead of reading and verifying them from the
# jar again (the first replicated row comes 0.3 to 0.6 s sooner). An archive belongs to one Java runtime, one jar and
# one set of JVM options: its name is a checksum of the installation (runtime, options, place) and one of the
# runtime's and jar's sizes and times. The first launch that finds none makes it with a training run of a few seconds
# (`cdc-sink cds-training`: the commands' classes are loaded and their wiring built, no database is contacted) and
# removes that installation's earlier archives (an upgrade in place); then every launch uses it. If the cache cannot be
# written, or the archive cannot be made or mapped, cdc-sink runs as it would without it, only slower to start.
#
#   CDC_SINK_CDS    "off" runs without an archive
#   CDC_SINK_CACHE  where archives are kept (default: ${XDG_CACHE_HOME:-$HOME/.cache}/cdc-sink); a path with a blank
#                   means no archive (the options are split into words)
#
# cdc_sink_cds JAVA OPTIONS PLACE JAR TRAINING...
#   JAVA      the java executable the command runs with
#   OPTIONS   its JVM options, one string
#   PLACE     where this installation lives
#   JAR       the jar whose classes are archived
#   TRAINING  the java arguments after the options that run `cds-training` (-jar JAR, or -cp ... and the main class)
# Sets cds to the JVM options that map the archive, or to nothing.
cdc_sink_cds() {
  cds=
  cds_java=$1 cds_opts=$2 cds_place=$3 cds_jar=$4
  shift 4
  [ "${CDC_SINK_CDS:-on}" != off ] || return 0
  cds_cache=${CDC_SINK_CACHE:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/cdc-sink}
  case $cds_cache in *[[:space:]]*) return 0 ;; esac
  cds_install=$(echo "$cds_java $cds_opts $cds_place" | cksum | cut -d ' ' -f 1)
  cds_key=$(ls -lnL "$cds_java" "$cds_jar" 2>/dev/null | cksum | cut -d ' ' -f 1)
  cds_archive=$cds_cache/cdc-sink-$cds_install-$cds_key.jsa
  cds_quiet="-Xlog:cds=off -Xlog:cds+dynamic=off"
  # A training run that failed once (say, a read-only cache after mkdir) is not repeated on every launch.
  if [ ! -f "$cds_archive" ] && [ ! -f "$cds_archive.failed" ] && mkdir -p "$cds_cache" 2>/dev/null; then
    # shellcheck disable=SC2086
    if "$cds_java" $cds_opts $cds_quiet -XX:ArchiveClassesAtExit="$cds_archive.$$" "$@" >/dev/null 2>&1; then
      mv -f "$cds_archive.$$" "$cds_archive" 2>/dev/null || true
    fi
    rm -f "$cds_archive.$$"
    [ -f "$cds_archive" ] || : > "$cds_archive.failed" 2>/dev/null || true
    # The archives of this installation's earlier jars or runtimes are of no use any more.
    for cds_old in "$cds_cache/cdc-sink-$cds_install-"*; do
      case $cds_old in "$cds_cache/cdc-sink-$cds_install-$cds_key."*) ;; *) rm -f "$cds_old" ;; esac
    done
  fi
  if [ -f "$cds_archive" ]; then
    cds="$cds_quiet -XX:SharedArchiveFile=$cds_archive"
  fi
}
