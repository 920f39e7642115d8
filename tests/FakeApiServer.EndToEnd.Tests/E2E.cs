using k8s.Models;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>Helpers shared by the kubectl tests.</summary>
internal static class E2E
{
    /// <summary>The longest one test may take; each test cancels its own work with it.</summary>
    public static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(90));

    /// <summary>How long to wait for a line from a running kubectl or for the server to reach a state.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    public static V1ConfigMap ConfigMap(string name, string ns = "default", params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Data = data.ToDictionary(d => d.Key, d => d.Value),
    };

    public static V1Pod Pod(string name, string ns = "default", string? nodeName = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1PodSpec
        {
            NodeName = nodeName,
            Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }],
        },
    };

    /// <summary>A Deployment of <paramref name="replicas"/> busybox pods labelled app=<paramref name="name"/>.</summary>
    public static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }] },
            },
        },
    };

    /// <summary>Polls until <paramref name="condition"/> holds, or fails with <paramref name="what"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>A multi-document manifest: a namespace, a configmap, a deployment, a pod and a service in it.</summary>
    public static string Manifest(string ns) => $$"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {{ns}}
        ---
        {{Objects(ns)}}
        """;

    /// <summary>A multi-document manifest: a configmap, a deployment, a pod and a service in the namespace.</summary>
    public static string Objects(string ns) => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: {{ns}}
          labels:
            app: web
        data:
          color: blue
          size: "3"
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
                ports:
                - containerPort: 80
                env:
                - name: COLOR
                  valueFrom:
                    configMapKeyRef:
                      name: settings
                      key: color
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: worker
          namespace: {{ns}}
          labels:
            app: worker
        spec:
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "3600"]
            resources:
              requests:
                cpu: 100m
                memory: 64Mi
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          selector:
            app: web
          ports:
          - name: http
            port: 80
            targetPort: 80
        """;
}
