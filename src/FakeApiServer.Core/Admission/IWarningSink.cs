namespace FakeApiServer.Admission;

/// <summary>
/// Where the registry and admission report warnings for the client (Warning response headers on HTTP; dropped for
/// the server's own writes). One per request, carried by the write or delete options.
/// </summary>
internal interface IWarningSink
{
    void Add(string text);
}
