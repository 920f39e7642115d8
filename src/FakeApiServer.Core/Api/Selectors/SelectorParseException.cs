namespace FakeApiServer.Api.Selectors;

/// <summary>
/// A labelSelector or fieldSelector that does not parse. <see cref="Exception.Message"/> is exactly the text
/// kube-apiserver puts in its 400 BadRequest Status, e.g. <c>unable to parse requirement: found '', expected: ...</c>.
/// </summary>
internal sealed class SelectorParseException : Exception
{
    public SelectorParseException()
    {
    }

    public SelectorParseException(string message)
        : base(message)
    {
    }

    public SelectorParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
