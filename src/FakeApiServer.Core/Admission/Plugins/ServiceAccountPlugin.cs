using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's ServiceAccount plugin (plugin/pkg/admission/serviceaccount), on pod creates. Mutating: a pod
/// without spec.serviceAccountName gets "default"; the ServiceAccount must exist (403 otherwise); unless the pod's
/// automountServiceAccountToken, else the account's, is false, a projected volume kube-api-access-&lt;5 random&gt;
/// (a bound token of 3607 seconds, kube-root-ca.crt's ca.crt, the namespace) is mounted read-only at
/// <see cref="TokenMountPath"/> in every init and regular container that has nothing mounted there; a pod without
/// imagePullSecrets gets the account's. Mirror pods (annotation kubernetes.io/config.mirror) are not changed but may
/// reference no service account, secret or token projection. Validating: the account named must still exist, and
/// one annotated kubernetes.io/enforce-mountable-secrets limits the secrets the pod (or a new ephemeral container)
/// may reference (<see cref="MountableSecrets"/>).
/// Updates are left alone (the fields are immutable). The "default" account is made by the serviceaccount controller
/// right after its namespace: as upstream looks it up again up to ten times for "default", a missing one is awaited
/// (on the store's watch) for as long as those retries take.
/// </summary>
internal sealed class ServiceAccountPlugin(IRevisionedStore store, NameGenerator names, TimeProvider time) : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public const string PluginName = "ServiceAccount";

    public const string DefaultServiceAccountName = "default";

    /// <summary>Where the token volume is mounted (upstream's DefaultAPITokenMountPath).</summary>
    public const string TokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The token volume's name prefix (upstream's ServiceAccountVolumeName).</summary>
    public const string TokenVolumePrefix = "kube-api-access";

    /// <summary>The projected token's lifetime (upstream's WarnOnlyBoundTokenExpirationSeconds: an hour plus 7 s).</summary>
    public const int TokenExpirationSeconds = 3607;

    /// <summary>The annotation that marks a kubelet's mirror pod.</summary>
    public const string MirrorPodAnnotation = "kubernetes.io/config.mirror";

    /// <summary>
    /// How long a missing "default" account is awaited: upstream's nine sleeps between its ten lookups, of 100-200 ms
    /// each (random), taken at their longest.
    /// </summary>
    private static readonly TimeSpan DefaultAccountWait = TimeSpan.FromMilliseconds(9 * 200);

    public string Name => PluginName;

    bool IMutatingAdmissionPlugin.Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create && request.IsResource("", "pods") && request.Object is not null;

    /// <summary>Pod creates, and updates of pods/ephemeralcontainers (their secret references, for enforce-mountable-secrets).</summary>
    bool IValidatingAdmissionPlugin.Handles(AdmissionRequest request) =>
        request.Object is not null
        && ((request.Operation == AdmissionOperation.Create && request.IsResource("", "pods"))
            || (request.Operation == AdmissionOperation.Update && request.Definition.Group.Length == 0 && request.Definition.Plural == "pods"
                && request.Subresource == "ephemeralcontainers"));

    public async ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pod = request.Object!;
        if (IsMirrorPod(pod))
        {
            ValidateMirrorPod(request, pod);
            return;
        }

        if (pod["spec"] is not JsonObject spec)
        {
            spec = [];
            pod["spec"] = spec;
        }

        if (string.IsNullOrEmpty(spec.GetString("serviceAccountName")))
        {
            spec["serviceAccountName"] = DefaultServiceAccountName;
        }

        var account = await GetServiceAccountAsync(request, spec.GetString("serviceAccountName")!, cancellationToken);
        if (ShouldAutomount(account, spec))
        {
            MountToken(spec);
        }

        if (spec["imagePullSecrets"] is not JsonArray { Count: > 0 })
        {
            var pullSecrets = new JsonArray();
            foreach (var secret in account["imagePullSecrets"] as JsonArray ?? [])
            {
                pullSecrets.Add(new JsonObject { ["name"] = secret?["name"]?.DeepClone() });
            }

            if (pullSecrets.Count > 0)
            {
                spec["imagePullSecrets"] = pullSecrets;
            }
        }
    }

    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pod = request.Object!;
        var ephemeral = request.Subresource == "ephemeralcontainers";
        if (!ephemeral && IsMirrorPod(pod))
        {
            ValidateMirrorPod(request, pod);
            return;
        }

        var name = pod["spec"]?["serviceAccountName"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            throw request.Forbidden($"no service account specified for pod {request.Namespace}/{pod.Name()}");
        }

        var account = await GetServiceAccountAsync(request, name, cancellationToken);
        if (MountableSecrets.Enforced(account)
            && (ephemeral ? MountableSecrets.CheckEphemeralContainers(account, pod) : MountableSecrets.CheckPod(account, pod)) is { } refusal)
        {
            throw request.Forbidden(refusal);
        }
    }

    /// <summary>The pod's automountServiceAccountToken wins, then the account's; true when neither says.</summary>
    private static bool ShouldAutomount(JsonObject account, JsonObject spec) =>
        (spec["automountServiceAccountToken"] ?? account["automountServiceAccountToken"]) is not JsonValue value || value.GetValue<bool>();

    private static bool IsMirrorPod(JsonObject pod) => pod.Metadata()["annotations"]?[MirrorPodAnnotation] is not null;

    private static void ValidateMirrorPod(AdmissionRequest request, JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        if (!string.IsNullOrEmpty(spec.GetString("serviceAccountName")))
        {
            throw request.Forbidden("a mirror pod may not reference service accounts");
        }

        if (PodSecretReferences.Any(spec))
        {
            throw request.Forbidden("a mirror pod may not reference secrets");
        }

        foreach (var volume in spec["volumes"] as JsonArray ?? [])
        {
            if ((volume?["projected"]?["sources"] as JsonArray ?? []).Any(s => s?["serviceAccountToken"] is not null))
            {
                throw request.Forbidden("a mirror pod may not use ServiceAccountToken volume projections");
            }
        }
    }

    /// <summary>
    /// The account, from the latest state; "default" is awaited a while (see the class). A missing one is a 403:
    /// <c>error looking up service account ns/name: serviceaccount "name" not found</c>.
    /// </summary>
    private async ValueTask<JsonObject> GetServiceAccountAsync(AdmissionRequest request, string name, CancellationToken cancellationToken)
    {
        var key = "/core/serviceaccounts/" + request.Namespace + "/" + name;
        var snapshot = store.Latest;
        if (snapshot.Get(key) is { } found)
        {
            return ObjectJson.Parse(found.Value);
        }

        if (name == DefaultServiceAccountName && await AwaitCreatedAsync(key, snapshot.Revision, cancellationToken) is { } created)
        {
            return created;
        }

        throw request.Forbidden($"error looking up service account {request.Namespace}/{name}: serviceaccount \"{name}\" not found");
    }

    /// <summary>The object created at <paramref name="key"/> after <paramref name="revision"/>, or null when none is within the wait.</summary>
    private async ValueTask<JsonObject?> AwaitCreatedAsync(string key, long revision, CancellationToken cancellationToken)
    {
        using var subscription = store.Watch(key, revision);
        if (subscription is null)
        {
            return null;
        }

        using var wait = new CancellationTokenSource(DefaultAccountWait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, cancellationToken);
        try
        {
            await foreach (var e in subscription.ReadAllAsync(linked.Token))
            {
                if (e.Object.Key == key && e.Type != WatchEventType.Deleted)
                {
                    return ObjectJson.Parse(e.Object.Value);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait is over.
        }

        return null;
    }

    /// <summary>Mounts the token volume in every container without a mount at the path; adds the volume if one needed it.</summary>
    private void MountToken(JsonObject spec)
    {
        var volumes = spec["volumes"] as JsonArray;
        var existing = volumes?.Select(v => v?["name"]?.GetValue<string>()).FirstOrDefault(n => n?.StartsWith(TokenVolumePrefix + "-", StringComparison.Ordinal) == true);
        var volumeName = existing ?? names.Generate(TokenVolumePrefix + "-");
        var mounted = false;
        foreach (var list in new[] { "initContainers", "containers" })
        {
            foreach (var container in (spec[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (container["volumeMounts"] is not JsonArray mounts)
                {
                    mounts = [];
                    container["volumeMounts"] = mounts;
                }

                if (mounts.Any(m => m?["mountPath"]?.GetValue<string>() == TokenMountPath))
                {
                    continue;
                }

                mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = TokenMountPath });
                mounted = true;
            }
        }

        if (existing is null && mounted)
        {
            if (volumes is null)
            {
                volumes = [];
                spec["volumes"] = volumes;
            }

            volumes.Add(TokenVolume(volumeName));
        }
    }

    /// <summary>The projected volume upstream's TokenVolumeSource describes (defaultMode 420 set explicitly, as upstream).</summary>
    private static JsonObject TokenVolume(string name) => new()
    {
        ["name"] = name,
        ["projected"] = new JsonObject
        {
            ["defaultMode"] = 420,
            ["sources"] = new JsonArray
            {
                new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = TokenExpirationSeconds, ["path"] = "token" } },
                new JsonObject
                {
                    ["configMap"] = new JsonObject
                    {
                        ["name"] = "kube-root-ca.crt",
                        ["items"] = new JsonArray { new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" } },
                    },
                },
                new JsonObject
                {
                    ["downwardAPI"] = new JsonObject
                    {
                        ["items"] = new JsonArray
                        {
                            new JsonObject { ["path"] = "namespace", ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" } },
                        },
                    },
                },
            },
        },
    };
}
