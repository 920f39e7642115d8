using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// Caps the watches one user holds open (<see cref="RequestLimits.MaxWatchesPerUser"/>); one more is a 429
/// TooManyRequests Status, so a runaway client cannot exhaust the server's watchers. system:masters users are exempt,
/// as from the in-flight limits.
/// </summary>
internal sealed class WatchesPerUser
{
    private readonly int _max;
    private readonly ConcurrentDictionary<string, StrongBox<int>> _open = new(StringComparer.Ordinal);

    public WatchesPerUser(RequestLimits limits) => _max = limits.MaxWatchesPerUser;

    /// <summary>Anything but a counted watch goes on without an async frame of this filter.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var user = _max > 0 && LongRunningRequests.IsWatch(context) ? context.GetUser() : null;
        return user is null || PrivilegedUsers.IsPrivileged(user) ? next(context) : CountAsync(context, next, user);
    }

    private async Task CountAsync(HttpContext context, RequestDelegate next, Security.UserInfo user)
    {

        var open = _open.GetOrAdd(user.Name, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref open.Value) > _max)
        {
            Interlocked.Decrement(ref open.Value);
            await TooManyRequests.WriteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref open.Value);
        }
    }
}
