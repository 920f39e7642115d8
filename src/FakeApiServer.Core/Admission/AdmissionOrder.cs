using FakeApiServer.Admission.Plugins;
using FakeApiServer.Admission.Plugins.PodSecurity;
using FakeApiServer.Admission.Policies;
using FakeApiServer.Admission.Webhooks;
using FakeApiServer.Features;

namespace FakeApiServer.Admission;

/// <summary>
/// The one ordered list of admission plugins (kube-apiserver's AllOrderedPlugins, with the KEP-3698 plugins
/// inserted where new plugins go) and which of them run: upstream's default-on set, plus --enable-admission-plugins,
/// minus --disable-admission-plugins, as kube-apiserver's enabledPluginNames. Upstream plugins this server does not
/// implement are accepted by name (so a kube-apiserver command line works) and skipped.
/// </summary>
internal static class AdmissionOrder
{
    /// <summary>Every plugin name, in the order the chain runs them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "AlwaysAdmit",
        "NamespaceAutoProvision",
        NamespaceLifecyclePlugin.PluginName,
        "NamespaceExists",
        "LimitPodHardAntiAffinityTopology",
        LimitRangerPlugin.PluginName,
        ServiceAccountPlugin.PluginName,
        "NodeRestriction",
        TaintNodesByConditionPlugin.PluginName,
        "AlwaysPullImages",
        "ImagePolicyWebhook",
        PodSecurityPlugin.PluginName,
        "PodNodeSelector",
        PriorityPlugin.PluginName,
        DefaultTolerationSecondsPlugin.PluginName,
        PodNetworkPlugin.PluginName,
        "PodTolerationRestriction",
        "EventRateLimit",
        "ExtendedResourceToleration",
        DefaultStorageClassPlugin.PluginName,
        StorageObjectInUseProtectionPlugin.PluginName,
        PodNetworkProtectionPlugin.PluginName,
        "OwnerReferencesPermissionEnforcement",
        PersistentVolumeClaimResizePlugin.PluginName,
        RuntimeClassPlugin.PluginName,
        "CertificateApproval",
        "CertificateSigning",
        "ClusterTrustBundleAttest",
        "CertificateSubjectRestriction",
        DefaultIngressClassPlugin.PluginName,
        "DenyServiceExternalIPs",
        "PodTopologyLabels",
        "MutatingAdmissionPolicy",
        MutatingWebhookPlugin.PluginName,
        ValidatingAdmissionPolicyPlugin.PluginName,
        ValidatingWebhookPlugin.PluginName,
        ResourceQuotaPlugin.PluginName,
        "AlwaysDeny",
    ];

    /// <summary>The plugins this server implements.</summary>
    public static IReadOnlySet<string> Implemented { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        NamespaceLifecyclePlugin.PluginName,
        LimitRangerPlugin.PluginName,
        ServiceAccountPlugin.PluginName,
        TaintNodesByConditionPlugin.PluginName,
        PriorityPlugin.PluginName,
        DefaultTolerationSecondsPlugin.PluginName,
        PodSecurityPlugin.PluginName,
        DefaultStorageClassPlugin.PluginName,
        StorageObjectInUseProtectionPlugin.PluginName,
        PersistentVolumeClaimResizePlugin.PluginName,
        RuntimeClassPlugin.PluginName,
        CertificateApprovalPlugin.PluginName,
        CertificateSigningPlugin.PluginName,
        CertificateSubjectRestrictionPlugin.PluginName,
        DefaultIngressClassPlugin.PluginName,
        PodNetworkPlugin.PluginName,
        PodNetworkProtectionPlugin.PluginName,
        MutatingWebhookPlugin.PluginName,
        ValidatingAdmissionPolicyPlugin.PluginName,
        ValidatingWebhookPlugin.PluginName,
        ResourceQuotaPlugin.PluginName,
    };

    /// <summary>The message when PodNetwork is named while the MultiNetwork gate is off (the prototype's).</summary>
    public const string PodNetworkNeedsGate =
        "PodNetwork admission controller is an alpha feature and requires the MultiNetwork feature gate to be enabled";

    /// <summary>Upstream's default-on plugins (kube-apiserver's DefaultOffAdmissionPlugins complement).</summary>
    private static readonly HashSet<string> UpstreamDefaultOn =
    [
        "NamespaceLifecycle", "LimitRanger", "ServiceAccount", "TaintNodesByCondition", "PodSecurity", "Priority",
        "DefaultTolerationSeconds", "DefaultStorageClass", "StorageObjectInUseProtection", "PersistentVolumeClaimResize",
        "RuntimeClass", "CertificateApproval", "CertificateSigning", "ClusterTrustBundleAttest", "CertificateSubjectRestriction",
        "DefaultIngressClass", "PodTopologyLabels", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionWebhook", "ResourceQuota",
    ];

    /// <summary>The default-on plugins: upstream's, plus PodNetwork and PodNetworkProtection while the MultiNetwork gate is on.</summary>
    public static bool DefaultOn(string name, FeatureGates gates)
    {
        ArgumentNullException.ThrowIfNull(gates);
        return name is PodNetworkPlugin.PluginName or PodNetworkProtectionPlugin.PluginName
            ? gates.Enabled(FeatureName.MultiNetwork)
            : UpstreamDefaultOn.Contains(name);
    }

    /// <summary>
    /// The names that run, in order (unimplemented upstream plugins included; <see cref="Implemented"/> filters them).
    /// Throws <see cref="FormatException"/> with kube-apiserver's messages for unknown or overlapping names, and the
    /// prototype's when PodNetwork is enabled without the MultiNetwork gate.
    /// </summary>
    public static IReadOnlyList<string> Enabled(IReadOnlyList<string> enable, IReadOnlyList<string> disable, FeatureGates gates)
    {
        ArgumentNullException.ThrowIfNull(enable);
        ArgumentNullException.ThrowIfNull(disable);
        ArgumentNullException.ThrowIfNull(gates);
        var errors = new List<string>();
        var known = All.ToHashSet(StringComparer.Ordinal);
        errors.AddRange(enable.Where(n => !known.Contains(n)).Select(n => $"enable-admission-plugins plugin \"{n}\" is unknown"));
        errors.AddRange(disable.Where(n => !known.Contains(n)).Select(n => $"disable-admission-plugins plugin \"{n}\" is unknown"));
        var overlap = enable.Intersect(disable, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (overlap.Count > 0)
        {
            errors.Add($"[{string.Join(" ", overlap)}] in enable-admission-plugins and disable-admission-plugins overlapped");
        }

        if (errors.Count > 0)
        {
            throw new FormatException(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]");
        }

        if (enable.Contains(PodNetworkPlugin.PluginName, StringComparer.Ordinal) && !gates.Enabled(FeatureName.MultiNetwork))
        {
            throw new FormatException(PodNetworkNeedsGate);
        }

        return [.. All.Where(n => !disable.Contains(n, StringComparer.Ordinal) && (DefaultOn(n, gates) || enable.Contains(n, StringComparer.Ordinal)))];
    }

    /// <summary>The chain of the enabled plugins this server implements, in order.</summary>
    public static AdmissionChain Build(IReadOnlyList<string> enabled, AdmissionDependencies dependencies)
    {
        ArgumentNullException.ThrowIfNull(enabled);
        ArgumentNullException.ThrowIfNull(dependencies);
        var plugins = new List<object>();
        var metrics = dependencies.Meters is { } meters ? new AdmissionMetrics(meters, dependencies.Time) : null;
        var webhooks = new WebhookDispatcher(dependencies.Store, dependencies.Webhooks, dependencies.Time, dependencies.Logger) { Metrics = metrics };
        foreach (var name in enabled)
        {
            object? plugin = name switch
            {
                NamespaceLifecyclePlugin.PluginName => new NamespaceLifecyclePlugin(dependencies.Store),
                LimitRangerPlugin.PluginName => new LimitRangerPlugin(dependencies.Store),
                ServiceAccountPlugin.PluginName => new ServiceAccountPlugin(dependencies.Store, dependencies.Names, dependencies.Time),
                TaintNodesByConditionPlugin.PluginName => new TaintNodesByConditionPlugin(),
                PriorityPlugin.PluginName => new PriorityPlugin(dependencies.Store),
                DefaultTolerationSecondsPlugin.PluginName => new DefaultTolerationSecondsPlugin(),
                PodSecurityPlugin.PluginName => new PodSecurityPlugin(dependencies.Store, PodSecurityConfiguration.Parse(dependencies.Configurations.For(PodSecurityPlugin.PluginName))),
                DefaultStorageClassPlugin.PluginName => new DefaultStorageClassPlugin(dependencies.Store),
                StorageObjectInUseProtectionPlugin.PluginName => new StorageObjectInUseProtectionPlugin(),
                PersistentVolumeClaimResizePlugin.PluginName => new PersistentVolumeClaimResizePlugin(dependencies.Store),
                RuntimeClassPlugin.PluginName => new RuntimeClassPlugin(dependencies.Store),
                CertificateApprovalPlugin.PluginName => new CertificateApprovalPlugin(dependencies.Authorizer),
                CertificateSigningPlugin.PluginName => new CertificateSigningPlugin(dependencies.Authorizer),
                CertificateSubjectRestrictionPlugin.PluginName => new CertificateSubjectRestrictionPlugin(),
                DefaultIngressClassPlugin.PluginName => new DefaultIngressClassPlugin(dependencies.Store),
                PodNetworkPlugin.PluginName => new PodNetworkPlugin(),
                PodNetworkProtectionPlugin.PluginName => new PodNetworkProtectionPlugin(),
                MutatingWebhookPlugin.PluginName => new MutatingWebhookPlugin(webhooks),
                ValidatingAdmissionPolicyPlugin.PluginName => new ValidatingAdmissionPolicyPlugin(dependencies.Store, dependencies.Authorizer, dependencies.Kinds, dependencies.Logger),
                ValidatingWebhookPlugin.PluginName => new ValidatingWebhookPlugin(webhooks),
                ResourceQuotaPlugin.PluginName => new ResourceQuotaPlugin(dependencies.Store, dependencies.Time,
                    Quota.ResourceQuotaConfiguration.Parse(dependencies.Configurations.For(ResourceQuotaPlugin.PluginName))),
                _ => null,
            };
            if (plugin is not null)
            {
                plugins.Add(plugin);
            }
        }

        return new AdmissionChain(plugins, metrics);
    }
}
