using System.Text;

namespace FakeApiServer.Hosting;

/// <summary>Writes a kubeconfig with one cluster, user and context named "fakeapiserver".</summary>
public static class Kubeconfig
{
    /// <summary>The context name.</summary>
    public const string ContextName = "fakeapiserver";

    /// <summary>The placeholder token of the plain-http kubeconfig, which an unauthenticated server ignores.</summary>
    public const string PlaceholderToken = "fakeapiserver";

    /// <summary>
    /// The kubeconfig text for a plain-http server URL. The user carries a placeholder token: kubectl sends no
    /// credentials over plain http, and clients such as the .NET KubernetesClient refuse a user without any.
    /// </summary>
    public static string Render(Uri server) => Render(server, new KubeconfigCredentials(null, null, null, PlaceholderToken));

    /// <summary>
    /// The kubeconfig text for a server URL: the CA that verifies the server (https), and the user's client
    /// certificate and key (PEM) or bearer token.
    /// </summary>
    public static string Render(Uri server, KubeconfigCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(credentials);
        var cluster = credentials.CertificateAuthorityPem is { } ca
            ? $"\n    certificate-authority-data: {Base64(ca)}"
            : "";
        var user = credentials is { ClientCertificatePem: { } cert, ClientKeyPem: { } key }
            ? $"client-certificate-data: {Base64(cert)}\n    client-key-data: {Base64(key)}"
            : $"token: {credentials.Token ?? PlaceholderToken}";
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {{ContextName}}
              cluster:
                server: {{server.ToString().TrimEnd('/')}}{{cluster}}
            users:
            - name: {{ContextName}}
              user:
                {{user}}
            contexts:
            - name: {{ContextName}}
              context:
                cluster: {{ContextName}}
                user: {{ContextName}}
                namespace: default
            current-context: {{ContextName}}
            preferences: {}

            """;
    }

    /// <summary>Writes the file atomically (a temporary file renamed into place), so a script waiting for it never reads half of it.</summary>
    public static void Write(string path, Uri server) => Write(path, Render(server));

    /// <summary>Writes kubeconfig text atomically, readable by the owner only when it may hold a credential.</summary>
    public static void Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, full, overwrite: true);
    }

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
}
