using FakeApiServer.Controllers.Runtime;

namespace FakeApiServer.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// upstream's NewDefaultHPARateLimiter: every key waits one sync period (15 s), whether it was just added, just synced
/// or failed, so each autoscaler is looked at once per period.
/// </summary>
internal sealed class FixedIntervalRateLimiter(TimeSpan interval) : IRateLimiter<NamespacedName>
{
    public TimeSpan When(NamespacedName key) => interval;

    public void Forget(NamespacedName key)
    {
    }

    public int NumRequeues(NamespacedName key) => 0;
}
