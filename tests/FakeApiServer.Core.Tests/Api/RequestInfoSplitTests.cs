using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Tests.Api;

/// <summary><see cref="RequestInfo.From"/> read from ranges of the path, against the reading by string.Split it replaced.</summary>
public sealed class RequestInfoSplitTests
{
    public static TheoryData<string, string> Requests()
    {
        string[] paths =
        [
            "", "/", "//", "/api", "/api/", "/api/v1", "/apis/apps", "/apis/apps/v1", "/version", "/openapi/v3/apis/apps/v1", "/healthz/etcd",
            "/api/v1/pods", "/api/v1/namespaces", "/api/v1/namespaces/default", "/api/v1/namespaces/default/status", "/api/v1/namespaces/default/finalize",
            "/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/cm", "/api/v1/namespaces/default/configmaps/cm/",
            "/api/v1/namespaces/default/pods/p/status", "/api/v1/namespaces/default/pods/p/log", "/api/v1/namespaces/default/pods/p/proxy/a/b",
            "/apis/apps/v1/namespaces/ns/deployments/web/scale", "/apis/apps/v1/deployments", "/apis/apps/v1beta1/namespaces/ns/deployments",
            "/api/v1/watch/namespaces/default/pods", "/api/v1/watch/pods", "/api/v1/watch", "/api/v1/proxy/namespaces/default/pods/p/x",
            "/api/v1/proxy", "/apis/apps/v1/watch/namespaces/ns/deployments/web", "/api/v1/namespaces//configmaps", "/api/v1//pods",
            "///api/v1/namespaces/default/pods///", "/api/v1/namespaces/default/pods/p/status/extra/more", "/apis//v1/things",
            "/apis/example.com/v1/namespaces/a/widgets/w/status", "/api/v1/nodes/n/proxy/metrics", "/APIS/apps/v1/deployments",
            "/api/v1/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u", "/api/v1/namespaces/default/configmaps/%2F",
        ];
        string[] methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "get"];
        var data = new TheoryData<string, string>();
        foreach (var path in paths)
        {
            foreach (var method in methods)
            {
                data.Add(method, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Reads_a_request_as_the_split_reading_did(string method, string path)
    {
        var actual = RequestInfo.From(method, path, QueryCollection.Empty);
        var expected = BySplit(method, path);

        Assert.Equal(expected with { Parts = [] }, actual with { Parts = [] });
        Assert.Equal(expected.Parts, actual.Parts);
    }

    /// <summary>The former reading (with an empty query: a collection GET is a list without a pinned name).</summary>
    private static RequestInfo BySplit(string method, string path)
    {
        path = path.Length > 0 ? path : "/";
        var nonResource = new RequestInfo { Path = path, Verb = method.ToLowerInvariant() };
        var trimmed = path.Trim('/');
        var parts = trimmed.Length == 0 ? [] : trimmed.Split('/');
        if (parts.Length < 3 || parts[0] is not ("api" or "apis") || (parts[0] == "apis" && parts.Length < 4))
        {
            return nonResource;
        }

        var prefix = parts[0];
        var group = prefix == "apis" ? parts[1] : "";
        var rest = parts.AsSpan(prefix == "apis" ? 2 : 1);
        var version = rest[0];
        rest = rest[1..];

        string verb;
        var verbFromPath = rest[0] is "watch" or "proxy";
        if (verbFromPath)
        {
            if (rest.Length < 2)
            {
                return nonResource;
            }

            verb = rest[0];
            rest = rest[1..];
        }
        else
        {
            verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        var ns = "";
        var inNamespacePath = false;
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && rest[2] is not ("status" or "finalize"))
            {
                rest = rest[2..];
                inNamespacePath = true;
            }
        }

        var resourceParts = rest.ToArray();
        var name = resourceParts.Length >= 2 ? resourceParts[1] : "";
        var subresource = resourceParts.Length >= 3 && verb != "proxy" ? resourceParts[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            verb = "list";
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestInfo
        {
            IsResourceRequest = true,
            Path = path,
            Verb = verb,
            ApiPrefix = prefix,
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = resourceParts[0],
            Subresource = subresource,
            Name = name,
            Parts = resourceParts,
            VerbFromPath = verbFromPath,
            InNamespacePath = inNamespacePath,
        };
    }
}
