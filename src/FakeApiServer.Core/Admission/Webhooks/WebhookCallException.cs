namespace FakeApiServer.Admission.Webhooks;

/// <summary>
/// A webhook could not be called or answered nonsense (upstream's ErrCallingWebhook): the webhook's failurePolicy
/// decides whether the request fails (500) or goes on.
/// </summary>
internal sealed class WebhookCallException : Exception
{
    public WebhookCallException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
