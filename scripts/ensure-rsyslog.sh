#!/usr/bin/env bash
# Makes sure rsyslogd and its Kafka output (omkafka) are installed: the producers integration test
# (apps/enricher/test/integration/producers/rsyslog.integration-spec.ts) ships real syslog lines
# through them into raw-logs. Called by scripts/test.sh (`npm test`) and .ci/run.
#
#   - present (rsyslogd on the PATH or in /usr/sbin, and omkafka.so in rsyslog's module
#     directory): nothing to do;
#   - missing, as root: `apt-get install -y rsyslog rsyslog-kafka` (Debian/Ubuntu);
#   - missing, not root: fails with what to install (the test would fail loudly anyway).
#
# The test runs its own rsyslogd (private config, port and work directory, as the test's user);
# it never needs the system daemon. Installing the package must not start one either:
#   - Debian 12's rsyslog ships no init script any more, only rsyslog.service, and its postinst
#     starts that only when systemd runs (/run/systemd/system exists): in a container without
#     systemd nothing starts;
#   - on a machine with systemd, deb-systemd-invoke asks /usr/sbin/policy-rc.d first: we put one
#     there that refuses every start (exit 101) for the duration of the install, unless one exists
#     already, and remove it afterwards. The unit stays enabled for the next boot as the package
#     wants; disable it (`systemctl disable rsyslog`) if the machine should not run it then.
set -euo pipefail

RSYSLOG_MODULE_DIRS=(/usr/lib/x86_64-linux-gnu/rsyslog /usr/lib/aarch64-linux-gnu/rsyslog /usr/lib/rsyslog /usr/lib64/rsyslog)

rsyslogd_path() {
  command -v rsyslogd 2>/dev/null && return 0
  [ -x /usr/sbin/rsyslogd ] && echo /usr/sbin/rsyslogd && return 0
  return 1
}

omkafka_present() {
  local dir
  for dir in "${RSYSLOG_MODULE_DIRS[@]}"; do [ -f "$dir/omkafka.so" ] && return 0; done
  return 1
}

if rsyslogd_path >/dev/null && omkafka_present; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "ensure-rsyslog: rsyslogd with omkafka is missing; as root run: apt-get install -y rsyslog rsyslog-kafka" >&2
  echo "  (the producers integration test needs them; see README.md, Quick start)" >&2
  exit 1
fi
command -v apt-get >/dev/null || { echo "ensure-rsyslog: no apt-get here; install rsyslog with its omkafka module (Debian: rsyslog-kafka)" >&2; exit 1; }

echo "==> installing rsyslog and rsyslog-kafka (apt-get; no daemon is started)"
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# temporary, from iocflow scripts/ensure-rsyslog.sh: start no service during the install\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  own_policy=1
fi
cleanup() { if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends rsyslog rsyslog-kafka >/dev/null; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends rsyslog rsyslog-kafka >/dev/null
fi
rsyslogd_path >/dev/null && omkafka_present || { echo "ensure-rsyslog: installed, but rsyslogd or omkafka.so is still missing" >&2; exit 1; }
echo "==> $("$(rsyslogd_path)" -v | head -1)"
