using System.Security.Authentication;
using Grpc.Core;

namespace FakeApiServer.Storage.Etcd;

/// <summary>
/// The one line a replica that cannot reach etcd at start-up prints: gRPC's detail, and for a failed TLS handshake which
/// flag to look at, since the runtime's own wording names a validation callback rather than --etcd-cafile.
/// </summary>
internal static class EtcdConnectionError
{
    public static string Describe(EtcdStoreOptions options, RpcException e)
    {
        var message = $"cannot reach etcd at {string.Join(",", options.Servers)}: {e.Status.Detail}";
        if (!Causes(e).Any(c => c is AuthenticationException))
        {
            return message;
        }

        return e.Status.Detail.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal) && options.CaFile is { } caFile
            ? $"{message} (etcd's certificate is not signed by the CA in --etcd-cafile {caFile})"
            : $"{message} (the TLS handshake with etcd failed: check --etcd-cafile, --etcd-certfile and --etcd-keyfile)";
    }

    private static IEnumerable<Exception> Causes(RpcException e)
    {
        for (Exception? cause = e.Status.DebugException; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }
}
