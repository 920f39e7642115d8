#!/usr/bin/env bash
# Runs the .NET KubernetesClient's end-to-end tests (kubernetes-client/csharp, tests/E2E.Tests/MinikubeTests.cs)
# against FakeApiServer, built against the KubernetesClient package version this repository's tests use
# (Directory.Packages.props) instead of the client's source.
#
#   load/clients/run-csharp-e2e.sh [--client-src DIR] [--ref REF] [-- DOTNET-TEST-ARGS...]
#
# Server: the one $KUBECONFIG points at (start it with --kubeconfig-out and --container-rules
# load/clients/csharp-e2e-rules.yaml, which scripts the log lines LogStreamTestAsync counts; http or --tls both work). Start it fresh:
# GenericTest and ClientSetTest read every pod in "default" and fail on one without labels, such as those the Python
# suite leaves behind when its exec tests fail.
#
# Tests: MinikubeTests.cs from REF (default HEAD) of a git repository of kubernetes-client/csharp (a clone or a bare
# mirror; --client-src, else $CSHARP_CLIENT_SRC, else /work/.mirror/kubernetes-client+csharp/repo), built in a
# temporary project. KubectlTests.cs is left out (it needs the unpackaged KubernetesClient.Kubectl project), and
# JsonPatch.Net, which the NuGet mirror here does not serve, is replaced by a small JsonDocument diff that writes the
# same RFC 6902 operations for the label edits the tests make. The tests run one by one (their Onebyone collection);
# the three watch and leader-election tests take 30 s each by design.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/../.." && pwd)
client_src=${CSHARP_CLIENT_SRC:-/work/.mirror/kubernetes-client+csharp/repo}
ref=HEAD
test_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --client-src) client_src=$2; shift ;;
    --client-src=*) client_src=${1#*=} ;;
    --ref) ref=$2; shift ;;
    --ref=*) ref=${1#*=} ;;
    --) shift; test_args=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

[ -n "${KUBECONFIG:-}" ] && [ -f "$KUBECONFIG" ] \
  || { echo "set KUBECONFIG to a started server's kubeconfig (--kubeconfig-out)" >&2; exit 2; }
version=$(sed -n 's/.*PackageVersion Include="KubernetesClient" Version="\([^"]*\)".*/\1/p' "$repo_root/Directory.Packages.props")
[ -n "$version" ] || { echo "no KubernetesClient version in Directory.Packages.props" >&2; exit 2; }
commit=$(git -C "$client_src" rev-parse --verify -q "$ref^{commit}") \
  || { echo "no $ref in $client_src: pass --client-src, a git repository of kubernetes-client/csharp" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in MinikubeTests.cs MinikubeFactAttribute.cs Onebyone.cs; do
  git -C "$client_src" show "$commit:tests/E2E.Tests/$f" > "$work/$f"
done

# Outside this repository, so none of its build settings (analyzers, central versions) apply to upstream's code.
cat > "$work/E2E.Tests.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <IsPackable>false</IsPackable>
    <RootNamespace>k8s.E2E</RootNamespace>
    <Nullable>disable</Nullable>
    <NoWarn>\$(NoWarn);CS1998;CS4014;xUnit1030;xUnit1031;xUnit1048</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="KubernetesClient" Version="$version" />
    <PackageReference Include="SharpZipLib" Version="1.4.2" />
    <PackageReference Include="Nito.AsyncEx.Coordination" Version="5.1.2" />
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
    <PackageReference Include="xunit" Version="2.9.3" />
    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
  </ItemGroup>
</Project>
EOF
cat > "$work/JsonPatchDiff.cs" <<'EOF'
// Stands in for JsonPatch.Net's JsonDocument.CreatePatch: the RFC 6902 operations that turn one document into another.
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Json.Patch
{
    public static class JsonPatchDiff
    {
        public static JsonArray CreatePatch(this JsonDocument from, JsonDocument to)
        {
            var operations = new JsonArray();
            Diff(JsonNode.Parse(from.RootElement.GetRawText()), JsonNode.Parse(to.RootElement.GetRawText()), "", operations);
            return operations;
        }

        private static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");

        private static void Diff(JsonNode from, JsonNode to, string path, JsonArray operations)
        {
            if (from is JsonObject a && to is JsonObject b)
            {
                foreach (var (key, value) in a.ToList())
                {
                    if (b.ContainsKey(key)) Diff(value, b[key], path + "/" + Escape(key), operations);
                    else operations.Add(new JsonObject { ["op"] = "remove", ["path"] = path + "/" + Escape(key) });
                }

                foreach (var (key, value) in b.ToList().Where(p => !a.ContainsKey(p.Key)))
                {
                    operations.Add(new JsonObject { ["op"] = "add", ["path"] = path + "/" + Escape(key), ["value"] = value?.DeepClone() });
                }
            }
            else if (!JsonNode.DeepEquals(from, to))
            {
                operations.Add(new JsonObject { ["op"] = "replace", ["path"] = path, ["value"] = to?.DeepClone() });
            }
        }
    }
}
EOF

echo "kubernetes-client/csharp ${commit:0:12} E2E tests, KubernetesClient $version, against $(grep -m1 'server:' "$KUBECONFIG" | awk '{print $2}')"
dotnet build "$work" -v q -nologo
K8S_E2E_MINIKUBE=1 dotnet test "$work" --no-build --logger "console;verbosity=normal" "${test_args[@]}"
