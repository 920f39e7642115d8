namespace FakeApiServer.Admission.Webhooks;

/// <summary>
/// How webhooks are reached. A clientConfig.service has no pod network to go to, so it becomes a URL through
/// <see cref="ServiceUrlTemplate"/> ({name}, {namespace}, {port}, {path}), and any host ending in ".svc" (or
/// ".svc.cluster.local") is connected to at <see cref="ServiceAddress"/> while TLS still checks the certificate
/// against the service's DNS name: a webhook run on the developer's machine with a certificate for
/// name.namespace.svc works unchanged.
/// </summary>
public sealed record WebhookOptions
{
    public const string DefaultServiceUrlTemplate = "https://{name}.{namespace}.svc:{port}{path}";

    /// <summary>--webhook-service-url-template.</summary>
    public string ServiceUrlTemplate { get; init; } = DefaultServiceUrlTemplate;

    /// <summary>--webhook-service-address: where *.svc hosts are connected to.</summary>
    public string ServiceAddress { get; init; } = "127.0.0.1";
}
