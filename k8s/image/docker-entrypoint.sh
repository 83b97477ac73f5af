#!/usr/bin/env bash
# The streamrec Flink image's entrypoint (k8s/image/Dockerfile), written for this image; it does what the Flink
# Kubernetes Operator and Flink's native Kubernetes mode need from an image:
#   jobmanager [args]      a session JobManager (bin/jobmanager.sh start-foreground)
#   taskmanager [args]     a TaskManager (bin/taskmanager.sh start-foreground)
#   standalone-job [args]  an application-mode JobManager (bin/standalone-job.sh start-foreground),
#                          e.g. standalone-job --job-classname io.streamrec.jobs.feature.FeatureJob --jars …
#   help                   this text
#   anything else          run as given: native Kubernetes mode starts pods with
#                          `/docker-entrypoint.sh bash -c "kubernetes-jobmanager.sh …"` and so on.
# Environment: FLINK_PROPERTIES (flink-conf lines appended to the configuration), JOB_MANAGER_RPC_ADDRESS,
# TASK_MANAGER_NUMBER_OF_TASK_SLOTS, ENABLE_BUILT_IN_PLUGINS (;-separated jar names from /opt/flink/opt).
set -euo pipefail

FLINK_HOME="${FLINK_HOME:-/opt/flink}"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-${FLINK_HOME}/conf}"

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

# The operator mounts flink-conf.yaml and the log4j files from a ConfigMap, read-only. To add to them we work on a
# copy and point FLINK_CONF_DIR (read by Flink's bin/config.sh) at it.
writable_conf_dir() {
  if [ -w "${FLINK_CONF_DIR}" ] && { [ ! -e "${FLINK_CONF_DIR}/flink-conf.yaml" ] || [ -w "${FLINK_CONF_DIR}/flink-conf.yaml" ]; }; then
    return
  fi
  local copy
  copy="$(mktemp -d /tmp/flink-conf.XXXXXX)"
  cp -rL "${FLINK_CONF_DIR}/." "${copy}/"
  chmod -R u+w "${copy}"
  export FLINK_CONF_DIR="${copy}"
}

# Replace key's line in flink-conf.yaml, or append it (plain string comparison: keys contain dots).
set_conf() {
  local key="$1" value="$2" file="${FLINK_CONF_DIR}/flink-conf.yaml" tmp
  touch "${file}"
  tmp="$(mktemp)"
  awk -v k="${key}" -v v="${value}" '
    { line = $0; sub(/^[ \t]+/, "", line) }
    index(line, k ":") == 1 { if (!done) print k ": " v; done = 1; next }
    { print }
    END { if (!done) print k ": " v }' "${file}" > "${tmp}"
  cat "${tmp}" > "${file}"
  rm -f "${tmp}"
}

prepare_conf() {
  writable_conf_dir
  set_conf blob.server.port 6124
  set_conf query.server.port 6125
  if [ -n "${JOB_MANAGER_RPC_ADDRESS:-}" ]; then
    set_conf jobmanager.rpc.address "${JOB_MANAGER_RPC_ADDRESS}"
  fi
  if [ -n "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-}" ]; then
    set_conf taskmanager.numberOfTaskSlots "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS}"
  fi
  if [ -n "${FLINK_PROPERTIES:-}" ]; then
    printf '\n%s\n' "${FLINK_PROPERTIES}" >> "${FLINK_CONF_DIR}/flink-conf.yaml"
  fi
}

# ENABLE_BUILT_IN_PLUGINS="flink-s3-fs-hadoop-1.16.3.jar;…": each plugin into its own folder under plugins/.
enable_plugins() {
  local jar
  [ -n "${ENABLE_BUILT_IN_PLUGINS:-}" ] || return 0
  IFS=';' read -r -a jars <<< "${ENABLE_BUILT_IN_PLUGINS}"
  for jar in "${jars[@]}"; do
    [ -n "${jar}" ] || continue
    if [ ! -f "${FLINK_HOME}/opt/${jar}" ]; then
      echo "ENABLE_BUILT_IN_PLUGINS: ${FLINK_HOME}/opt/${jar} does not exist" >&2
      exit 1
    fi
    mkdir -p "${FLINK_HOME}/plugins/${jar%.jar}"
    cp -f "${FLINK_HOME}/opt/${jar}" "${FLINK_HOME}/plugins/${jar%.jar}/"
  done
}

# The image runs as flink (USER in the Dockerfile). If a pod overrides that to root, step down before Flink starts.
as_flink() {
  if [ "$(id -u)" = "0" ]; then
    exec setpriv --reuid=flink --regid=flink --init-groups "$@"
  fi
  exec "$@"
}

cmd="${1:-help}"
case "${cmd}" in
  help | --help | -h)
    usage
    ;;
  jobmanager)
    shift
    enable_plugins
    prepare_conf
    as_flink "${FLINK_HOME}/bin/jobmanager.sh" start-foreground "$@"
    ;;
  taskmanager)
    shift
    enable_plugins
    prepare_conf
    as_flink "${FLINK_HOME}/bin/taskmanager.sh" start-foreground "$@"
    ;;
  standalone-job)
    shift
    enable_plugins
    prepare_conf
    as_flink "${FLINK_HOME}/bin/standalone-job.sh" start-foreground "$@"
    ;;
  *)
    # Native Kubernetes mode: Flink's own scripts read the mounted configuration plus -D dynamic properties.
    enable_plugins
    as_flink "$@"
    ;;
esac
