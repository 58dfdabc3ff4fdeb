# Shared by the scripts in this folder: find a JDK 21+, install what is missing, build.
# Source it; it defines functions and sets DELTAPROP_ROOT. Messages go to stderr.

if [[ ${BASH_SOURCE[0]} == */* ]]; then
  DELTAPROP_ROOT="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
else
  DELTAPROP_ROOT="$(cd .. && pwd)"
fi
# Every JVM that runs Deltaprop needs the first two: the Vector API is an incubator module, and
# JOCL loads a native library (JDK 24+ warns without the second flag). The others have the JIT
# compile the simd and scalar backends' kernels after a twentieth of the usual calls: until C2
# compiles them, Vector API code runs boxed, about a hundred times slower, and that warm-up took
# 4 s of a 0.5 s epoch (2.8–3.3 s with the flag, measured on 2 cores); the scalar backend, which
# small jobs get, ran its first ten epochs on iris interpreted, at a twentieth of its speed.
DELTAPROP_JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -XX:CompileCommand=quiet "-XX:CompileCommand=CompileThresholdScaling,org.deltaprop.backend.simd.*::*,0.05"
  "-XX:CompileCommand=CompileThresholdScaling,org.deltaprop.backend.scalar.*::*,0.05")

say() { printf 'deltaprop: %s\n' "$*" >&2; }
die() { printf 'deltaprop: error: %s\n' "$*" >&2; exit 1; }

# Sets REPLY to the major version of the JDK at $1 (a JAVA_HOME), or to nothing. Read from its
# release file, which every JDK since 9 has, with bash's own read: find_jdk looks at every JDK on
# the machine before each command, and a JVM per candidate, or even a sed per candidate, cost
# more than a small command itself. A JDK without the file is asked.
jdk_major() {
  REPLY=""
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  local line
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
        REPLY="${BASH_REMATCH[1]}"
        return 0
      fi
    done <"$1/release"
  fi
  REPLY=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
}

# Sets JAVA_HOME to a JDK 21 or newer: $JAVA_HOME if it is one, else the java on PATH,
# else the newest under /usr/lib/jvm; and JDK_MAJOR to its major version.
find_jdk() {
  local candidates=() home best="" best_major=0 javac
  if [ -n "${JAVA_HOME:-}" ]; then
    # A JAVA_HOME that qualifies is taken without looking further (no readlink, no scan).
    jdk_major "$JAVA_HOME"
    if [ -n "$REPLY" ] && [ "$REPLY" -ge 21 ]; then
      use_jdk "$JAVA_HOME" "$REPLY"
      return 0
    fi
    candidates+=("$JAVA_HOME")
  fi
  if javac=$(command -v javac); then
    javac=$(readlink -f "$javac")
    candidates+=("${javac%/bin/javac}")
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    jdk_major "$home"
    [ -n "$REPLY" ] || continue
    if [ "$REPLY" -ge 21 ] && [ "$REPLY" -gt "$best_major" ]; then
      best="$home"; best_major="$REPLY"
    fi
  done
  [ -n "$best" ] || die "no JDK 21 or newer found (looked at \$JAVA_HOME, the java on PATH and /usr/lib/jvm).
  Install one (e.g. Temurin 21+ from adoptium.net) and set JAVA_HOME to it."
  use_jdk "$best" "$best_major"
}

# use_jdk HOME MAJOR: sets JAVA_HOME, PATH and JDK_MAJOR to the JDK chosen.
use_jdk() {
  export JAVA_HOME="$1"
  export PATH="$JAVA_HOME/bin:$PATH"
  JDK_MAJOR="$2"
  if [ "$2" -ge 23 ]; then
    # Maven's bundled Guava touches sun.misc.Unsafe, which JDK 23+ warns about at length.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

# Installs Debian packages that are missing, when we are root; otherwise says how.
apt_ensure() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})"
    return 1
  fi
  say "installing ${missing[*]} (apt-get)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/tmp/deltaprop-apt.log 2>&1; then
    apt-get update -q >>/tmp/deltaprop-apt.log 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>/tmp/deltaprop-apt.log 2>&1 ||
      { say "apt-get install ${missing[*]} failed; see /tmp/deltaprop-apt.log"; return 1; }
  fi
}

find_maven() {
  command -v mvn >/dev/null 2>&1 || apt_ensure maven || die "Apache Maven is needed: apt-get install maven"
  # Maven's console library (jansi 2) writes the colour reset ESC[0m when it starts and when it
  # stops, even in batch mode and into a pipe; -B and -Dstyle.color=never do not stop it.
  export MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true"
}

# Builds cli/target/deltaprop.jar unless it is newer than every source file.
build_jar() {
  local jar="$DELTAPROP_ROOT/cli/target/deltaprop.jar"
  if [ -f "$jar" ] && [ -z "$(find "$DELTAPROP_ROOT"/{core,onnx,cli}/src/main "$DELTAPROP_ROOT/kernels" \
        "$DELTAPROP_ROOT"/{,core/,onnx/,cli/}pom.xml -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  say "building cli/target/deltaprop.jar (mvn package, about a minute the first time)"
  # -pl cli -am: the core and the command only; the spark module would download Spark (~320 MB).
  (cd "$DELTAPROP_ROOT" && mvn -B -q -DskipTests -pl cli -am package) >&2 || die "the build failed (output above)"
}

# Sets DELTAPROP_STARTUP_FLAGS to the JVM options that start the jar from a cache of what a
# start costs: the classes it loads, parsed and verified. JDK 25+: an AOT cache (JEP 483, 514,
# 515) built here from a training run of small commands (org.deltaprop.cli.StartupTraining) when
# it is missing or older than the jar. With --add-modules (the Vector API) JDK 25 stores the
# classes alone: no linked classes, no lambdas, no method profiles (the JVM cannot archive a
# module graph that options changed; -Xlog:aot at creation says "aot-linked = 0").
# JDK 21-24: a CDS archive that the JVM writes at the end of the first run and rewrites when
# the jar changes (-XX:+AutoCreateSharedArchive). One of each per JDK build, in cli/target beside
# the jar. A cache that cannot be built or used costs nothing but the plain start: the JVM's
# messages about it are silenced, and a failed build is not retried until the jar changes.
# DELTAPROP_STARTUP_CACHE=off starts without one. Call after build_jar.
startup_cache() {
  DELTAPROP_STARTUP_FLAGS=()
  [ "${DELTAPROP_STARTUP_CACHE:-on}" != off ] || return 0
  local jar="$DELTAPROP_ROOT/cli/target/deltaprop.jar" build
  local line
  build=""
  if [ -r "$JAVA_HOME/release" ]; then
    while IFS= read -r line; do
      [[ $line =~ ^JAVA_RUNTIME_VERSION=\"(.*)\" ]] && build="${BASH_REMATCH[1]//[^A-Za-z0-9.+_-]/_}"
    done <"$JAVA_HOME/release"
  fi
  build="${build:-$JDK_MAJOR}"
  if [ "$JDK_MAJOR" -lt 25 ]; then
    DELTAPROP_STARTUP_FLAGS=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=${jar%.jar}-$build.jsa" -Xlog:cds=off)
    return 0
  fi
  local cache="${jar%.jar}-$build.aot"
  if { [ ! -f "$cache" ] || [ "$jar" -nt "$cache" ]; } && { [ ! -f "$cache.failed" ] || [ "$jar" -nt "$cache.failed" ]; }; then
    build_aot_cache "$jar" "$cache"
  fi
  if [ -f "$cache" ] && [ ! "$jar" -nt "$cache" ]; then
    DELTAPROP_STARTUP_FLAGS=("-XX:AOTCache=$cache" -Xlog:aot=off -Xlog:cds=off)
  fi
}

# Writes the AOT cache $2 for the jar $1 from one training run (JDK 25's -XX:AOTCacheOutput), with
# the options every run uses (a cache made under other module or GC options would not be used).
build_aot_cache() {
  local jar="$1" cache="$2" temp="$2.$$.tmp" log="${2%.aot}.log"
  say "building the start-up cache ${cache#"$DELTAPROP_ROOT"/} (once per build of the jar: about 10 s)"
  if "$JAVA_HOME/bin/java" "${DELTAPROP_JVM_FLAGS[@]}" -Djava.awt.headless=true ${DELTAPROP_JAVA_OPTS:-} \
       "-XX:AOTCacheOutput=$temp" -cp "$jar" org.deltaprop.cli.StartupTraining >"$log" 2>&1 && [ -s "$temp" ]; then
    mv -f "$temp" "$cache"
    rm -f "$cache.failed"
  else
    rm -f "$temp" "$temp.config"
    touch "$cache.failed"
    say "could not build the start-up cache (${log#"$DELTAPROP_ROOT"/} says why); starting without it"
  fi
}

# Installs the OpenCL pieces the opencl backend needs on a machine without a GPU driver.
ensure_opencl() {
  apt_ensure ocl-icd-libopencl1 ocl-icd-opencl-dev pocl-opencl-icd clinfo ||
    say "the opencl backend will be unavailable until an OpenCL driver is installed"
}

# Spark's module openings (what its launcher passes) for a JVM that runs Spark in-process.
SPARK_JVM_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true)

# Builds spark/target/deltaprop-spark.jar and spark/target/spark.classpath (Spark's jars; with
# MLlib for the benchmark, which $1 = test asks for) unless they are newer than every source.
build_spark_jar() {
  local scope="${1:-compile}" jar="$DELTAPROP_ROOT/spark/target/deltaprop-spark.jar"
  local cp="$DELTAPROP_ROOT/spark/target/spark.classpath"
  if [ -f "$jar" ] && [ -f "$cp" ] && [ "$(cat "$cp.scope" 2>/dev/null)" = "$scope" ] &&
     [ -z "$(find "$DELTAPROP_ROOT"/{core,cli,spark}/src/main "$DELTAPROP_ROOT/kernels" \
        "$DELTAPROP_ROOT"/{,core/,cli/,spark/}pom.xml -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
    return 0
  fi
  say "building spark/target/deltaprop-spark.jar (the first build downloads Spark, about 320 MB)"
  # Spark's jars (provided scope: compile includes it), without Deltaprop's own, which the jar holds.
  (cd "$DELTAPROP_ROOT" && mvn -B -q -DskipTests -pl spark -am package dependency:build-classpath \
    -Dmdep.includeScope="$scope" -Dmdep.excludeGroupIds=org.deltaprop -Dmdep.outputFile="$cp") >&2 ||
    die "the build failed (output above)"
  echo "$scope" > "$cp.scope"
}
