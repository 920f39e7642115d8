using System.Text;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// The everyday imperative commands a new user types first, with real kubectl on a fresh server. Their typed clients
/// send application/vnd.kubernetes.protobuf bodies and ask for protobuf answers (a proxy records the media types);
/// each command must succeed with nothing on stderr, and the object it made or changed is read back and checked.
/// The whole control plane runs, so the pod that drain evicts is scheduled and Running first.
/// <c>kubectl create quota</c>, <c>priorityclass</c>, <c>job</c>, <c>cronjob</c>, <c>ingress</c> and
/// <c>poddisruptionbudget</c> are in <see cref="ApiSurfaceTests"/>, beside the kinds they make.
/// </summary>
public sealed class TypedCommandTests
{
    private const string Worker = "fakeapiserver-worker";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Imperative_commands_create_and_change_objects_through_protobuf(string version)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All }, ct);
        await using var proxy = RecordingProxy.Start(cluster.BaseAddress);
        using var kubectl = Kubectl.For(cluster, version, proxy.Address);
        async Task<KubectlResult> Run(params string[] args) => (await kubectl.RunAsync(args)).Succeeded();
        async Task<string> Get(string what, string path, string ns = "shop") =>
            (await Run(ns.Length == 0 ? ["get", what, "-o", "jsonpath=" + path] : ["get", what, "-n", ns, "-o", "jsonpath=" + path])).Stdout;

        Assert.Equal(["namespace/shop created"], (await Run("create", "namespace", "shop")).Lines);
        Assert.Equal("shop Active", await Get("namespace/shop", "{.metadata.name} {.status.phase}", ""));

        Assert.Equal(["configmap/settings created"], (await Run("create", "configmap", "settings", "-n", "shop", "--from-literal=color=blue")).Lines);
        Assert.Equal("blue", await Get("configmap/settings", "{.data.color}"));

        Assert.Equal(["secret/creds created"], (await Run("create", "secret", "generic", "creds", "-n", "shop", "--from-literal=password=s3cret")).Lines);
        Assert.Equal("Opaque " + Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cret")), await Get("secret/creds", "{.type} {.data.password}"));

        Assert.Equal(["deployment.apps/web created"], (await Run("create", "deployment", "web", "-n", "shop", "--image=nginx:1.27")).Lines);
        Assert.Equal("1 nginx nginx:1.27 app=web", await Get("deployment/web", "{.spec.replicas} {.spec.template.spec.containers[0].name} {.spec.template.spec.containers[0].image} app={.spec.selector.matchLabels.app}"));

        Assert.Equal(["service/api created"], (await Run("create", "service", "clusterip", "api", "-n", "shop", "--tcp=80:8080")).Lines);
        var api = (await Get("service/api", "{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.clusterIP}")).Split(' ');
        Assert.Equal(["ClusterIP", "80", "8080"], api[..3]);
        Assert.StartsWith("10.96.", api[3], StringComparison.Ordinal);

        Assert.Equal(["serviceaccount/robot created"], (await Run("create", "serviceaccount", "robot", "-n", "shop")).Lines);
        Assert.Equal("robot", await Get("serviceaccount/robot", "{.metadata.name}"));

        Assert.Equal(["role.rbac.authorization.k8s.io/reader created"], (await Run("create", "role", "reader", "-n", "shop", "--verb=get,list", "--resource=pods")).Lines);
        Assert.Equal("get list pods", await Get("role/reader", "{.rules[0].verbs[0]} {.rules[0].verbs[1]} {.rules[0].resources[0]}"));
        Assert.Equal(["rolebinding.rbac.authorization.k8s.io/reader created"],
            (await Run("create", "rolebinding", "reader", "-n", "shop", "--role=reader", "--serviceaccount=shop:robot")).Lines);
        Assert.Equal("Role reader ServiceAccount shop robot",
            await Get("rolebinding/reader", "{.roleRef.kind} {.roleRef.name} {.subjects[0].kind} {.subjects[0].namespace} {.subjects[0].name}"));
        Assert.Equal(["clusterrole.rbac.authorization.k8s.io/node-reader created"], (await Run("create", "clusterrole", "node-reader", "--verb=get", "--resource=nodes")).Lines);
        Assert.Equal("get nodes", await Get("clusterrole/node-reader", "{.rules[0].verbs[0]} {.rules[0].resources[0]}", ""));

        Assert.Equal(["pod/solo created"], (await Run("run", "solo", "-n", "shop", "--image=busybox:1.36", "--", "sleep", "3600")).Lines);
        Assert.Equal("busybox:1.36 sleep 3600", await Get("pod/solo", "{.spec.containers[0].image} {.spec.containers[0].args[0]} {.spec.containers[0].args[1]}"));

        Assert.Equal(["service/web exposed"], (await Run("expose", "deployment", "web", "-n", "shop", "--port=80", "--target-port=8080")).Lines);
        Assert.Equal("web 80 8080", await Get("service/web", "{.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort}"));

        Assert.Equal(["deployment.apps/web scaled"], (await Run("scale", "deployment", "web", "-n", "shop", "--replicas=2")).Lines);
        Assert.Equal("2", await Get("deployment/web", "{.spec.replicas}"));

        Assert.Equal(["configmap/settings labeled"], (await Run("label", "configmap", "settings", "-n", "shop", "tier=backend")).Lines);
        // kubectl 1.27 prints the verb without its -d.
        var annotated = KubectlTool.MinorOf(version) <= 27 ? "configmap/settings annotate" : "configmap/settings annotated";
        Assert.Equal([annotated], (await Run("annotate", "configmap", "settings", "-n", "shop", "owner=team-a")).Lines);
        Assert.Equal("backend team-a blue", await Get("configmap/settings", "{.metadata.labels.tier} {.metadata.annotations.owner} {.data.color}"));

        Assert.Equal(["deployment.apps/web image updated"], (await Run("set", "image", "deployment/web", "-n", "shop", "nginx=nginx:1.28")).Lines);
        Assert.Equal("nginx:1.28", await Get("deployment/web", "{.spec.template.spec.containers[0].image}"));

        Assert.Equal(["deployment.apps/web restarted"], (await Run("rollout", "restart", "deployment/web", "-n", "shop")).Lines);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", await Get("deployment/web", "{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"));

        // drain evicts (or deletes) the pods on the worker: wait until the one made by kubectl run is Running there.
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "pod", "solo", "-n", "shop", "-o", "jsonpath={.status.phase} {.spec.nodeName}")).Stdout == "Running " + Worker,
            "the pod solo is Running on the worker", ct);

        Assert.Equal(["node/" + Worker + " cordoned"], (await Run("cordon", Worker)).Lines);
        Assert.Equal("true", await Get("node/" + Worker, "{.spec.unschedulable}", ""));

        var drained = await kubectl.RunAsync(["drain", Worker, "--force", "--ignore-daemonsets", "--timeout=60s"], TimeSpan.FromSeconds(75));
        Assert.True(drained.ExitCode == 0, "drain failed: " + drained);
        Assert.Contains("node/" + Worker + " drained", drained.Lines);
        Assert.Contains("pod/solo evicted", drained.Lines);
        var solo = await kubectl.RunAsync("get", "pod", "solo", "-n", "shop");
        solo.FailedWith("Error from server (NotFound): pods \"solo\" not found");

        Assert.Equal(["configmap \"settings\" deleted"], (await Run("delete", "configmap", "settings", "-n", "shop")).Lines);
        (await kubectl.RunAsync("get", "configmap", "settings", "-n", "shop")).FailedWith("Error from server (NotFound): configmaps \"settings\" not found");

        // kubectl 1.33's typed clients speak protobuf (bodies of create and delete, answers of get, list and patch);
        // kubectl 1.27's send and ask for JSON. drain evicts through pods/eviction and never falls back to a DELETE.
        var sent = proxy.Sent;
        var speaksProtobuf = KubectlTool.MinorOf(version) >= 33;
        var typedBody = speaksProtobuf ? "application/vnd.kubernetes.protobuf" : "application/json";
        string[] typedWrites =
        [
            "POST /api/v1/namespaces?", "POST /api/v1/namespaces/shop/configmaps?", "POST /api/v1/namespaces/shop/secrets?",
            "POST /apis/apps/v1/namespaces/shop/deployments?", "POST /api/v1/namespaces/shop/services?fieldManager=kubectl-create",
            "POST /api/v1/namespaces/shop/serviceaccounts?", "POST /apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles?",
            "POST /apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings?", "POST /apis/rbac.authorization.k8s.io/v1/clusterroles?",
        ];
        foreach (var write in typedWrites)
        {
            var request = Assert.Single(sent, r => r.Line.StartsWith(write, StringComparison.Ordinal));
            Assert.True(request.ContentType == typedBody, $"{write}: expected {typedBody}, sent {request.ContentType}");
        }

        // drain's eviction client sends JSON in both versions.
        var eviction = Assert.Single(sent, r => r.Line.StartsWith("POST /api/v1/namespaces/shop/pods/solo/eviction", StringComparison.Ordinal));
        Assert.Equal("application/json", eviction.ContentType);
        Assert.DoesNotContain(sent, r => r.Line.StartsWith("DELETE /api/v1/namespaces/shop/pods/solo", StringComparison.Ordinal));
        var drainList = Assert.Single(sent, r => r.Line.StartsWith("GET /api/v1/pods?fieldSelector=spec.nodeName%3D" + Worker, StringComparison.Ordinal));
        Assert.Equal(speaksProtobuf, drainList.Accept?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal));
    }
}
