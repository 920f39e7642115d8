namespace FakeApiServer.Hosting;

/// <summary>Writes a kubeconfig with one cluster, user and context named "fakeapiserver".</summary>
public static class Kubeconfig
{
    /// <summary>The context name.</summary>
    public const string ContextName = "fakeapiserver";

    /// <summary>
    /// The kubeconfig text for a server URL. The user carries a placeholder token: kubectl sends no credentials over
    /// plain http, and clients such as the .NET KubernetesClient refuse a user without any.
    /// </summary>
    public static string Render(Uri server) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{ContextName}}
          cluster:
            server: {{server.ToString().TrimEnd('/')}}
        users:
        - name: {{ContextName}}
          user:
            token: fakeapiserver
        contexts:
        - name: {{ContextName}}
          context:
            cluster: {{ContextName}}
            user: {{ContextName}}
            namespace: default
        current-context: {{ContextName}}
        preferences: {}

        """;

    /// <summary>Writes the file atomically (a temporary file renamed into place), so a script waiting for it never reads half of it.</summary>
    public static void Write(string path, Uri server)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, Render(server));
        File.Move(temp, full, overwrite: true);
    }
}
