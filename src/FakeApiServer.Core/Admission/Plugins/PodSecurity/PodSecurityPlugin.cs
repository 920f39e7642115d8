using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// kube-apiserver's PodSecurity plugin (pod-security-admission's Admission): a pod created or changed in a namespace
/// whose pod-security.kubernetes.io/enforce level it violates is refused (403); the warn level's violations come back
/// as Warning headers, for pods and for the pod templates of workloads (which are never refused). Namespace labels
/// must be valid; tightening a namespace's enforce level warns about the existing pods that violate it. Users,
/// namespaces and runtime classes named in the configuration are exempt. The request's audit event gets upstream's
/// annotations: pod-security.kubernetes.io/enforce-policy for an evaluated pod, exempt, and audit-violations for the
/// audit level's violations.
/// </summary>
internal sealed class PodSecurityPlugin : IValidatingAdmissionPlugin
{
    public const string PluginName = "PodSecurity";

    /// <summary>The audit annotations upstream's plugin adds (its AuditAnnotationPrefix + key).</summary>
    public const string EnforcePolicyAnnotation = PodSecurityPolicy.LabelPrefix + "enforce-policy";
    public const string ExemptAnnotation = PodSecurityPolicy.LabelPrefix + "exempt";
    public const string AuditViolationsAnnotation = PodSecurityPolicy.LabelPrefix + "audit-violations";

    /// <summary>Upstream's cap on the existing pods checked when a namespace's enforce level changes.</summary>
    private const int NamespaceMaxPodsToCheck = 3000;

    /// <summary>Pod subresources that cannot change what the checks look at.</summary>
    private static readonly HashSet<string> IgnoredPodSubresources =
        ["exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"];

    /// <summary>The resources with a pod template (DefaultPodSpecExtractor), by group and plural.</summary>
    private static readonly HashSet<(string Group, string Plural)> PodTemplateResources =
    [
        ("", "replicationcontrollers"), ("", "podtemplates"), ("apps", "replicasets"), ("apps", "deployments"),
        ("apps", "statefulsets"), ("apps", "daemonsets"), ("batch", "jobs"), ("batch", "cronjobs"),
    ];

    private readonly IRevisionedStore _store;
    private readonly PodSecurityConfiguration _configuration;

    public PodSecurityPlugin(IRevisionedStore store, PodSecurityConfiguration configuration)
    {
        _store = store;
        _configuration = configuration;
    }

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Operation is not (AdmissionOperation.Create or AdmissionOperation.Update))
        {
            return false;
        }

        var (group, plural) = (request.Definition.Group, request.Definition.Plural);
        return (group, plural) switch
        {
            ("", "pods") => !IgnoredPodSubresources.Contains(request.Subresource),
            ("", "namespaces") => request.Subresource.Length == 0,
            _ => request.Subresource.Length == 0 && PodTemplateResources.Contains((group, plural)),
        };
    }

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is { } obj)
        {
            switch (request.Definition.Plural)
            {
                case "namespaces":
                    ValidateNamespace(request, obj);
                    break;
                case "pods" when request.Definition.Group.Length == 0:
                    ValidatePod(request, obj);
                    break;
                default:
                    ValidatePodTemplate(request, obj);
                    break;
            }
        }

        return ValueTask.CompletedTask;
    }

    private void ValidatePod(AdmissionRequest request, JsonObject pod)
    {
        if (ExemptNamespace(request.Namespace) || ExemptUser(request.User.Username))
        {
            request.AddAuditAnnotation(ExemptAnnotation, ExemptNamespace(request.Namespace) ? "namespace" : "user");
            return;
        }

        var errors = new List<FieldError>();
        var policy = NamespacePolicy(request.Namespace, errors);
        if (errors.Count == 0 && policy.FullyPrivileged)
        {
            request.AddAuditAnnotation(EnforcePolicyAnnotation, LevelVersion.PrivilegedLatest.ToString());
            return;
        }

        if (request.Operation == AdmissionOperation.Update && request.OldObject is { } old && !SignificantPodUpdate(pod, old))
        {
            return;
        }

        Evaluate(request, policy, Template(pod), enforce: true);
    }

    private void ValidatePodTemplate(AdmissionRequest request, JsonObject obj)
    {
        if (ExemptNamespace(request.Namespace) || ExemptUser(request.User.Username))
        {
            return;
        }

        var errors = new List<FieldError>();
        var policy = NamespacePolicy(request.Namespace, errors);
        if (errors.Count == 0 && policy.Warn.Level == PodSecurityLevel.Privileged && policy.Audit.Level == PodSecurityLevel.Privileged)
        {
            return;
        }

        var template = request.Definition.Plural == "cronjobs"
            ? obj["spec"]?["jobTemplate"]?["spec"]?["template"]
            : request.Definition.Plural == "podtemplates" ? obj["template"] : obj["spec"]?["template"];
        if (template is JsonObject templateObject)
        {
            Evaluate(request, policy, Template(templateObject), enforce: false);
        }
    }

    /// <summary>Refuses on an enforce violation; else adds the warn level's violations as a warning.</summary>
    private void Evaluate(AdmissionRequest request, PodSecurityPolicy policy, PodTemplate pod, bool enforce)
    {
        if (PodSpecFields.Text(pod.Spec, "runtimeClassName") is { Length: > 0 } runtimeClass
            && _configuration.ExemptRuntimeClasses.Contains(runtimeClass, StringComparer.Ordinal))
        {
            request.AddAuditAnnotation(ExemptAnnotation, "runtimeClass");
            return;
        }

        IReadOnlyList<PodSecurityCheckResult>? enforced = null;
        if (enforce)
        {
            request.AddAuditAnnotation(EnforcePolicyAnnotation, policy.Enforce.ToString());
            enforced = PodSecurityChecks.Evaluate(policy.Enforce, pod);
            if (enforced.Count > 0)
            {
                throw request.Forbidden($"violates PodSecurity \"{policy.Enforce}\": {PodSecurityChecks.ForbiddenDetail(enforced)}");
            }
        }

        if (policy.Audit.Level != PodSecurityLevel.Privileged && PodSecurityChecks.Evaluate(policy.Audit, pod) is { Count: > 0 } audited)
        {
            request.AddAuditAnnotation(AuditViolationsAnnotation, $"would violate PodSecurity \"{policy.Audit}\": {PodSecurityChecks.ForbiddenDetail(audited)}");
        }

        var warned = enforced is not null && policy.Warn == policy.Enforce ? enforced : PodSecurityChecks.Evaluate(policy.Warn, pod);
        if (warned.Count > 0)
        {
            request.Warnings.Add($"would violate PodSecurity \"{policy.Warn}\": {PodSecurityChecks.ForbiddenDetail(warned)}");
        }
    }

    private void ValidateNamespace(AdmissionRequest request, JsonObject ns)
    {
        var name = ns.Name();
        var newErrors = new List<FieldError>();
        var newPolicy = PodSecurityPolicy.FromLabels(ns.Labels(), _configuration.Defaults, newErrors);
        if (request.Operation == AdmissionOperation.Create)
        {
            if (newErrors.Count > 0)
            {
                throw ApiException.Invalid(request.Definition.GroupKind, request.NameForErrors, newErrors);
            }

            WarnIfExempt(request, name, newPolicy, ns);
            return;
        }

        var oldErrors = new List<FieldError>();
        var oldPolicy = request.OldObject is { } old ? PodSecurityPolicy.FromLabels(old.Labels(), _configuration.Defaults, oldErrors) : newPolicy;
        if (newErrors.Count > 0 && (oldErrors.Count == 0 || !newErrors.SequenceEqual(oldErrors)))
        {
            throw ApiException.Invalid(request.Definition.GroupKind, request.NameForErrors, newErrors);
        }

        // Existing pods are only checked when the enforce level became stricter (or its version changed).
        if (newPolicy.Enforce == oldPolicy.Enforce || newPolicy.Enforce.Level == PodSecurityLevel.Privileged
            || (newPolicy.Enforce.Version == oldPolicy.Enforce.Version && newPolicy.Enforce.Level <= oldPolicy.Enforce.Level))
        {
            return;
        }

        if (ExemptNamespace(name))
        {
            WarnIfExempt(request, name, newPolicy, ns);
            return;
        }

        foreach (var warning in ExistingPodWarnings(name, newPolicy.Enforce))
        {
            request.Warnings.Add(warning);
        }
    }

    /// <summary>The warnings for the pods of a namespace that violate its new enforce level (EvaluatePodsInNamespace).</summary>
    private List<string> ExistingPodWarnings(string ns, LevelVersion enforce)
    {
        // Pods of exempt runtime classes are skipped; one pod per controller goes first, the other replicas after.
        var pods = _store.Latest.Range("/core/pods/" + ns + "/").Select(s => ObjectJson.Parse(s.Value))
            .Where(p => PodSpecFields.Text(PodSpecFields.Child(p, "spec"), "runtimeClassName") is not { Length: > 0 } runtimeClass
                || !_configuration.ExemptRuntimeClasses.Contains(runtimeClass, StringComparer.Ordinal))
            .ToList();
        var seenControllers = new HashSet<string>(StringComparer.Ordinal);
        var first = new List<JsonObject>();
        var replicas = new List<JsonObject>();
        foreach (var pod in pods)
        {
            var controllerUid = OwnerReferences.ControllerOf(pod)?.GetString("uid");
            (controllerUid is null || seenControllers.Add(controllerUid) ? first : replicas).Add(pod);
        }

        var prioritized = first.Concat(replicas).ToList();
        var checkedPods = prioritized.Take(NamespaceMaxPodsToCheck).ToList();
        var byReason = new Dictionary<string, (string FirstPod, int Count)>(StringComparer.Ordinal);
        foreach (var pod in checkedPods)
        {
            var results = PodSecurityChecks.Evaluate(enforce, Template(pod));
            if (results.Count == 0)
            {
                continue;
            }

            var reason = PodSecurityChecks.ForbiddenReason(results);
            var podName = pod.Name();
            byReason[reason] = byReason.TryGetValue(reason, out var seen)
                ? (string.CompareOrdinal(podName, seen.FirstPod) < 0 ? podName : seen.FirstPod, seen.Count + 1)
                : (podName, 1);
        }

        var warnings = new List<string>();
        if (checkedPods.Count < prioritized.Count)
        {
            warnings.Add($"new PodSecurity enforce level only checked against the first {checkedPods.Count} of {prioritized.Count} existing pods");
        }

        if (byReason.Count > 0)
        {
            warnings.Add($"existing pods in namespace \"{ns}\" violate the new PodSecurity enforce level \"{enforce}\"");
        }

        warnings.AddRange(byReason.Select(r => r.Value.Count switch
        {
            1 => $"{r.Value.FirstPod}: {r.Key}",
            2 => $"{r.Value.FirstPod} (and 1 other pod): {r.Key}",
            _ => $"{r.Value.FirstPod} (and {r.Value.Count - 1} other pods): {r.Key}",
        }).Order(StringComparer.Ordinal));
        return warnings;
    }

    /// <summary>The warning that an exempt namespace's non-privileged labels are ignored (exemptNamespaceWarning).</summary>
    private void WarnIfExempt(AdmissionRequest request, string name, PodSecurityPolicy policy, JsonObject ns)
    {
        if (!ExemptNamespace(name) || policy.FullyPrivileged || policy.Equivalent(_configuration.Defaults))
        {
            return;
        }

        var labels = ns.Labels();
        var modes = new List<string>();
        void Mode(string mode, LevelVersion levelVersion, string levelLabel, string versionLabel)
        {
            if (levelVersion.Level != PodSecurityLevel.Privileged && (labels.ContainsKey(levelLabel) || labels.ContainsKey(versionLabel)))
            {
                modes.Add(mode + "=" + levelVersion);
            }
        }

        Mode("enforce", policy.Enforce, PodSecurityPolicy.EnforceLevelLabel, PodSecurityPolicy.EnforceVersionLabel);
        Mode("audit", policy.Audit, PodSecurityPolicy.AuditLevelLabel, PodSecurityPolicy.AuditVersionLabel);
        Mode("warn", policy.Warn, PodSecurityPolicy.WarnLevelLabel, PodSecurityPolicy.WarnVersionLabel);
        request.Warnings.Add($"namespace \"{name}\" is exempt from Pod Security, and the policy ({string.Join(", ", modes)}) will be ignored");
    }

    /// <summary>The policy of the pod's namespace; a namespace that cannot be found has the defaults.</summary>
    private PodSecurityPolicy NamespacePolicy(string ns, List<FieldError> errors)
    {
        var stored = _store.Latest.Get(NamespaceLifecyclePlugin.NamespaceKey(ns));

        // Most namespaces have no pod-security labels: skip the parse for them.
        return stored is null || stored.Value.AsSpan().IndexOf("pod-security.kubernetes.io/"u8) < 0
            ? _configuration.Defaults
            : PodSecurityPolicy.FromLabels(ObjectJson.Parse(stored.Value).Labels(), _configuration.Defaults, errors);
    }

    private bool ExemptNamespace(string ns) => ns.Length > 0 && _configuration.ExemptNamespaces.Contains(ns, StringComparer.Ordinal);

    private bool ExemptUser(string username) => username.Length > 0 && _configuration.ExemptUsernames.Contains(username, StringComparer.Ordinal);

    private static PodTemplate Template(JsonObject podOrTemplate) =>
        new(PodSpecFields.Child(podOrTemplate, "metadata") ?? [], PodSpecFields.Child(podOrTemplate, "spec") ?? []);

    /// <summary>
    /// Whether a pod update can change the outcome (isSignificantPodUpdate): containers or init containers added or
    /// removed, an image changed, an ephemeral container added or its image changed. Other pod fields are immutable.
    /// </summary>
    private static bool SignificantPodUpdate(JsonObject pod, JsonObject old)
    {
        var spec = PodSpecFields.Child(pod, "spec");
        var oldSpec = PodSpecFields.Child(old, "spec");
        foreach (var list in new[] { "containers", "initContainers" })
        {
            var now = PodSpecFields.Items(spec, list).ToList();
            var before = PodSpecFields.Items(oldSpec, list).ToList();
            if (now.Count != before.Count || now.Zip(before).Any(p => PodSpecFields.Text(p.First, "image") != PodSpecFields.Text(p.Second, "image")))
            {
                return true;
            }
        }

        var oldEphemeral = PodSpecFields.Items(oldSpec, "ephemeralContainers").ToList();
        return PodSpecFields.Items(spec, "ephemeralContainers").Any(c =>
            oldEphemeral.FirstOrDefault(o => PodSpecFields.Name(o) == PodSpecFields.Name(c)) is not { } previous
            || PodSpecFields.Text(previous, "image") != PodSpecFields.Text(c, "image"));
    }
}
