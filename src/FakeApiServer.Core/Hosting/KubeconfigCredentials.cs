namespace FakeApiServer.Hosting;

/// <summary>
/// What a kubeconfig's cluster and user carry: the PEM CA of the server (null for plain http), and either a client
/// certificate with its key (PEM) or a bearer token.
/// </summary>
public sealed record KubeconfigCredentials(string? CertificateAuthorityPem, string? ClientCertificatePem, string? ClientKeyPem, string? Token);
