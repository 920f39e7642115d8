using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Observability;

/// <summary>
/// Told of every request the server serves, through <see cref="RequestFeed"/>. Called on the request's own path, so an
/// observer must be quick and must not throw: count, copy into a buffer, or queue for a writer of its own.
/// </summary>
public interface IRequestObserver
{
    /// <summary>A request arrived (its request info is known; the user is not yet: authentication runs after this).</summary>
    void OnStarted(HttpContext context, RequestObservation observation)
    {
    }

    /// <summary>A request was answered (its response has ended, or its stream has closed).</summary>
    void OnCompleted(CompletedRequest request);
}
