using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Tests.Api;

/// <summary>Requests built in memory for the filters and the request info, without a server.</summary>
internal static class TestRequests
{
    /// <summary>A request with this method, path and query (after '?'), and a response body to write into.</summary>
    public static DefaultHttpContext Context(string method, string pathAndQuery)
    {
        var context = new DefaultHttpContext();
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        context.Request.Method = method;
        context.Request.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        context.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(pathAndQuery[q..]);
        context.Response.Body = new MemoryStream();
        return context;
    }
}
